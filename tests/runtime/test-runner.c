/* test-runner.c: the run store and the queue, with a fake target
 *
 * The fake target does what a real one would tell the runner, on the test's command, so
 * these tests are fast and deterministic; test-local.c runs real Spark.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-test"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <unistd.h>

#include "flint-runtime.h"

/* The fake target {{{ */

#define FAKE_TYPE_TARGET (fake_target_get_type ())
G_DECLARE_FINAL_TYPE (FakeTarget, fake_target, FAKE, TARGET, GObject)

struct _FakeTarget
{
  GObject parent_instance;
};

static GPtrArray *submitted;      /* run ids, in the order the target got them */
static GPtrArray *state_at_submit; /* what the store said when each arrived */
static GHashTable *following;     /* run id -> GTask of follow */
static GPtrArray *cancels;        /* run ids the target was asked to stop */
static gint64 clock_offset;       /* added to the real time the runner sees */
static FlintRunStore *current_store;

static void fake_target_iface_init (FlintTargetInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeTarget, fake_target, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FLINT_TYPE_TARGET, fake_target_iface_init))

static void
fake_target_class_init (FakeTargetClass *klass)
{
}

static void
fake_target_init (FakeTarget *self)
{
}

static FlintTargetFlags
fake_get_flags (FlintTarget *target)
{
  return FLINT_TARGET_FLAGS_LOCAL;
}

static void
fake_submit_async (FlintTarget         *target,
                   FlintRun            *run,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);
  g_autoptr(FlintRun) stored = flint_run_store_lookup (current_store, flint_run_get_id (run), NULL);

  g_ptr_array_add (submitted, g_strdup (flint_run_get_id (run)));
  g_ptr_array_add (state_at_submit, g_strdup (stored ? flint_run_state_to_string (flint_run_get_state (stored)) : "absent"));
  flint_run_set_external_id (run, "fake-1");
  flint_run_set_state (run, FLINT_RUN_RUNNING);
  g_task_return_boolean (task, TRUE);
}

static gboolean
fake_finish (FlintTarget   *target,
             GAsyncResult  *result,
             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
fake_follow_async (FlintTarget         *target,
                   FlintRun            *run,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task = g_task_new (target, cancellable, callback, user_data);

  g_task_set_task_data (task, g_object_ref (run), g_object_unref);
  g_hash_table_replace (following, g_strdup (flint_run_get_id (run)), task);
}

static void
fake_refresh_async (FlintTarget         *target,
                    FlintRun            *run,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);

  g_task_return_boolean (task, TRUE);
}

/* The run ends on the "cluster". */
static void
fake_end (const char    *run_id,
          FlintRunState  state,
          const char    *message)
{
  GTask *task = g_hash_table_lookup (following, run_id);
  FlintRun *run;

  g_assert_nonnull (task);
  g_hash_table_steal (following, run_id);
  run = g_task_get_task_data (task);
  if (state == FLINT_RUN_SUCCEEDED)
    {
      FlintNodeProgress p = { .node_id = (char *) "sink", .jobs_done = 1, .jobs_total = 1,
                              .stages_done = 2, .stages_total = 2, .tasks_done = 4, .tasks_total = 4 };
      flint_run_update_progress (run, &p);
    }
  flint_run_set_message (run, message);
  flint_run_set_state (run, state);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
fake_cancel_async (FlintTarget         *target,
                   FlintRun            *run,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (target, cancellable, callback, user_data);

  g_ptr_array_add (cancels, g_strdup (flint_run_get_id (run)));
  fake_end (flint_run_get_id (run), FLINT_RUN_CANCELLED, "Cancelled");
  g_task_return_boolean (task, TRUE);
}

static void
fake_target_iface_init (FlintTargetInterface *iface)
{
  iface->get_flags = fake_get_flags;
  iface->submit_async = fake_submit_async;
  iface->submit_finish = fake_finish;
  iface->follow_async = fake_follow_async;
  iface->follow_finish = fake_finish;
  iface->refresh_async = fake_refresh_async;
  iface->refresh_finish = fake_finish;
  iface->cancel_async = fake_cancel_async;
  iface->cancel_finish = fake_finish;
}

/* }}} */

typedef struct
{
  char          *path;
  FlintRunStore *store;
  FlintRunner   *runner;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("flint-runner-XXXXXX", NULL);

  fixture->path = g_build_filename (dir, "runs.sqlite", NULL);
  fixture->store = flint_run_store_new (fixture->path, &error);
  g_assert_no_error (error);
  fixture->runner = flint_runner_new (fixture->store);
  current_store = fixture->store;

  submitted = g_ptr_array_new_with_free_func (g_free);
  state_at_submit = g_ptr_array_new_with_free_func (g_free);
  following = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  cancels = g_ptr_array_new_with_free_func (g_free);
  clock_offset = 0;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->runner);
  g_clear_object (&fixture->store);
  g_free (fixture->path);
  g_clear_pointer (&submitted, g_ptr_array_unref);
  g_clear_pointer (&state_at_submit, g_ptr_array_unref);
  g_clear_pointer (&following, g_hash_table_unref);
  g_clear_pointer (&cancels, g_ptr_array_unref);
}

static void
settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static FlintRun *
add_run (FlintRunner      *runner,
         const char       *name,
         FlintRunPriority  priority)
{
  g_autoptr(GError) error = NULL;
  FlintRun *run = flint_run_new (name, "fake1", "fake");

  flint_run_set_target_config (run, "{\"kind\": \"fake\"}");
  flint_run_set_priority (run, priority);
  flint_run_declare_node (run, "sink", "Sink");
  g_assert_true (flint_runner_enqueue (runner, run, "print('hello')\n", &error));
  g_assert_no_error (error);
  return run;
}

static FlintRun *
stored (Fixture  *fixture,
        FlintRun *run)
{
  g_autoptr(GError) error = NULL;
  FlintRun *found = flint_run_store_lookup (fixture->store, flint_run_get_id (run), &error);

  g_assert_no_error (error);
  return found;
}

static void
test_record_before_submit (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(FlintRun) run = add_run (fixture->runner, "first", FLINT_RUN_PRIORITY_NORMAL);
  g_autoptr(FlintRun) queued = stored (fixture, run);
  g_autofree char *program = NULL;

  /* In the store, program written, before the target saw anything. */
  g_assert_cmpuint (submitted->len, ==, 0);
  g_assert_cmpint (flint_run_get_state (queued), ==, FLINT_RUN_QUEUED);
  g_assert_true (g_file_get_contents (flint_run_get_program_file (queued), &program, NULL, NULL));
  g_assert_cmpstr (program, ==, "print('hello')\n");

  settle ();
  g_assert_cmpuint (submitted->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (state_at_submit, 0), ==, "submitting");

  {
    g_autoptr(FlintRun) running = stored (fixture, run);

    g_assert_cmpint (flint_run_get_state (running), ==, FLINT_RUN_RUNNING);
    g_assert_cmpstr (flint_run_get_external_id (running), ==, "fake-1");
    g_assert_cmpint (flint_run_get_started_at (running), >, 0);
  }
}

static void
test_transitions_reopen (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(FlintRun) run = add_run (fixture->runner, "reopened", FLINT_RUN_PRIORITY_HIGH);
  g_autoptr(FlintRunStore) again = NULL;
  g_autoptr(FlintRun) found = NULL;
  g_autoptr(FlintRun) by_prefix = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prefix = g_strndup (flint_run_get_id (run), 8);
  const FlintNodeProgress *p;
  sqlite3 *db;

  settle ();
  fake_end (flint_run_get_id (run), FLINT_RUN_SUCCEEDED, NULL);
  settle ();
  g_assert_null (flint_runner_lookup (fixture->runner, flint_run_get_id (run)));

  /* Another process opening the same file sees the whole run. */
  again = flint_run_store_new (fixture->path, &error);
  g_assert_no_error (error);
  found = flint_run_store_lookup (again, flint_run_get_id (run), &error);
  g_assert_no_error (error);
  g_assert_cmpint (flint_run_get_state (found), ==, FLINT_RUN_SUCCEEDED);
  g_assert_cmpint (flint_run_get_priority (found), ==, FLINT_RUN_PRIORITY_HIGH);
  g_assert_cmpstr (flint_run_get_pipeline_name (found), ==, "reopened");
  g_assert_cmpstr (flint_run_get_target_kind (found), ==, "fake");
  g_assert_cmpint (flint_run_get_finished_at (found), >=, flint_run_get_started_at (found));
  g_assert_cmpint (flint_run_get_started_at (found), >=, flint_run_get_created_at (found));
  p = flint_run_lookup_progress (found, "sink");
  g_assert_nonnull (p);
  g_assert_cmpstr (p->label, ==, "Sink");
  g_assert_cmpuint (p->tasks_done, ==, 4);
  g_assert_cmpfloat (flint_node_progress_get_fraction (p), ==, 1.0);

  by_prefix = flint_run_store_lookup (again, prefix, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (flint_run_get_id (by_prefix), ==, flint_run_get_id (run));

  list = flint_run_store_list (again, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);

  g_assert_null (flint_run_store_lookup (again, "0000dead", &error));
  g_assert_error (error, FLINT_RUN_STORE_ERROR, FLINT_RUN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* WAL, and a schema from the future is refused rather than misread. */
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt;

    sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
    sqlite3_finalize (stmt);
  }
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_null (flint_run_store_new (fixture->path, &error));
  g_assert_error (error, FLINT_RUN_STORE_ERROR, FLINT_RUN_STORE_ERROR_VERSION);
}

static void
test_priorities (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(FlintRun) low = add_run (fixture->runner, "low", FLINT_RUN_PRIORITY_LOW);
  g_autoptr(FlintRun) normal = add_run (fixture->runner, "normal", FLINT_RUN_PRIORITY_NORMAL);
  g_autoptr(FlintRun) critical = add_run (fixture->runner, "critical", FLINT_RUN_PRIORITY_CRITICAL);
  g_autoptr(FlintRun) high = add_run (fixture->runner, "high", FLINT_RUN_PRIORITY_HIGH);
  FlintRun *order[] = { critical, high, normal, low };

  flint_runner_set_max_concurrent (fixture->runner, 1);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      settle ();
      g_assert_cmpuint (submitted->len, ==, i + 1);
      g_assert_cmpstr (g_ptr_array_index (submitted, i), ==, flint_run_get_id (order[i]));
      g_assert_cmpuint (flint_runner_get_n_active (fixture->runner), ==, 1);
      g_assert_cmpuint (flint_runner_get_n_queued (fixture->runner), ==, 3 - i);
      fake_end (flint_run_get_id (order[i]), FLINT_RUN_SUCCEEDED, NULL);
    }
  settle ();
  g_assert_cmpuint (submitted->len, ==, 4);
}

static void
test_limit (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(FlintRun) a = NULL;
  g_autoptr(FlintRun) b = NULL;
  g_autoptr(FlintRun) c = NULL;

  flint_runner_set_max_concurrent (fixture->runner, 2);
  a = add_run (fixture->runner, "a", FLINT_RUN_PRIORITY_NORMAL);
  b = add_run (fixture->runner, "b", FLINT_RUN_PRIORITY_NORMAL);
  c = add_run (fixture->runner, "c", FLINT_RUN_PRIORITY_NORMAL);
  settle ();
  g_assert_cmpuint (submitted->len, ==, 2);
  g_assert_cmpint (flint_run_get_state (c), ==, FLINT_RUN_QUEUED);

  fake_end (flint_run_get_id (b), FLINT_RUN_FAILED, "boom");
  settle ();
  g_assert_cmpuint (submitted->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (submitted, 2), ==, flint_run_get_id (c));
  g_assert_cmpint (flint_run_get_state (b), ==, FLINT_RUN_FAILED);
  g_assert_cmpstr (flint_run_get_message (b), ==, "boom");
}

static void
test_cancel_queued (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(FlintRun) a = add_run (fixture->runner, "a", FLINT_RUN_PRIORITY_NORMAL);
  g_autoptr(FlintRun) b = add_run (fixture->runner, "b", FLINT_RUN_PRIORITY_NORMAL);
  g_autoptr(FlintRun) b_stored = NULL;
  g_autoptr(GError) error = NULL;

  settle ();
  g_assert_cmpuint (submitted->len, ==, 1);
  g_assert_true (flint_runner_cancel (fixture->runner, flint_run_get_id (b), &error));
  g_assert_no_error (error);
  g_assert_cmpint (flint_run_get_state (b), ==, FLINT_RUN_CANCELLED);

  fake_end (flint_run_get_id (a), FLINT_RUN_SUCCEEDED, NULL);
  settle ();
  /* b never reached the target. */
  g_assert_cmpuint (submitted->len, ==, 1);
  b_stored = stored (fixture, b);
  g_assert_cmpint (flint_run_get_state (b_stored), ==, FLINT_RUN_CANCELLED);

  /* Cancelling a run that ended says so. */
  g_assert_false (flint_runner_cancel (fixture->runner, flint_run_get_id (b), &error));
  g_assert_error (error, FLINT_RUNNER_ERROR, FLINT_RUNNER_ERROR_FINISHED);
}

static void
test_cancel_running (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(FlintRun) a = add_run (fixture->runner, "a", FLINT_RUN_PRIORITY_NORMAL);

  settle ();
  g_assert_true (flint_runner_cancel (fixture->runner, flint_run_get_id (a), NULL));
  settle ();
  g_assert_cmpint (flint_run_get_state (a), ==, FLINT_RUN_CANCELLED);
  g_assert_cmpuint (flint_runner_get_n_active (fixture->runner), ==, 0);
}

static void
test_retry (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintRun) run = flint_run_new ("retried", "fake1", "fake");
  g_autoptr(FlintRun) final = NULL;
  gint64 failed_at;

  flint_run_set_target_config (run, "{\"kind\": \"fake\"}");
  flint_run_set_max_attempts (run, 3);
  flint_run_set_retry_backoff (run, 1);
  g_assert_true (flint_runner_enqueue (fixture->runner, run, "pass\n", &error));
  settle ();
  g_assert_cmpuint (submitted->len, ==, 1);

  fake_end (flint_run_get_id (run), FLINT_RUN_FAILED, "executor lost");
  failed_at = g_get_monotonic_time ();
  settle ();
  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_QUEUED);
  g_assert_cmpuint (flint_run_get_attempt (run), ==, 2);
  g_assert_nonnull (strstr (flint_run_get_message (run), "executor lost"));

  /* The backoff is respected. */
  while (submitted->len < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_get_monotonic_time () - failed_at, >=, 900 * 1000);
  settle ();
  fake_end (flint_run_get_id (run), FLINT_RUN_SUCCEEDED, NULL);
  settle ();

  final = stored (fixture, run);
  g_assert_cmpint (flint_run_get_state (final), ==, FLINT_RUN_SUCCEEDED);
  g_assert_cmpuint (flint_run_get_attempt (final), ==, 2);
  g_assert_cmpuint (submitted->len, ==, 2);
}

/* Progress goes to the store once per look, a change of state at once. */
static void
test_coalesced_writes (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(FlintRun) run = add_run (fixture->runner, "a", FLINT_RUN_PRIORITY_NORMAL);
  FlintNodeProgress p = { .node_id = (char *) "sink", .jobs_total = 1, .stages_total = 2, .tasks_total = 10 };
  const FlintNodeProgress *found;

  settle ();
  for (guint i = 1; i <= 10; i++)
    {
      p.tasks_done = i;
      flint_run_update_progress (run, &p);
    }
  {
    g_autoptr(FlintRun) before = stored (fixture, run);

    g_assert_cmpint (flint_run_get_state (before), ==, FLINT_RUN_RUNNING);
    found = flint_run_lookup_progress (before, "sink");
    g_assert_true (found == NULL || found->tasks_done == 0);
  }
  settle ();
  {
    g_autoptr(FlintRun) after = stored (fixture, run);

    found = flint_run_lookup_progress (after, "sink");
    g_assert_nonnull (found);
    g_assert_cmpint (found->tasks_done, ==, 10);
  }

  /* The end is written before anything else runs. */
  fake_end (flint_run_get_id (run), FLINT_RUN_FAILED, "boom");
  {
    g_autoptr(FlintRun) ended = stored (fixture, run);

    g_assert_cmpint (flint_run_get_state (ended), ==, FLINT_RUN_FAILED);
    g_assert_cmpstr (flint_run_get_message (ended), ==, "boom");
  }
  settle ();
}

/* The designer and a flint-cli in a terminal share one limit through the store. */
static void
test_limit_across_runners (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintRunStore) store2 = flint_run_store_new (fixture->path, &error);
  g_autoptr(FlintRunner) runner2 = NULL;
  g_autoptr(FlintRun) a = NULL;
  g_autoptr(FlintRun) b = NULL;
  g_autoptr(FlintRun) b_stored = NULL;
  gint64 deadline;

  g_assert_no_error (error);
  runner2 = flint_runner_new (store2);
  a = add_run (fixture->runner, "a", FLINT_RUN_PRIORITY_NORMAL);
  settle ();
  g_assert_cmpint (flint_run_get_state (a), ==, FLINT_RUN_RUNNING);

  /* The other runner's limit is 1 too, and the one slot is taken. */
  b = add_run (runner2, "b", FLINT_RUN_PRIORITY_CRITICAL);
  settle ();
  g_assert_cmpuint (submitted->len, ==, 1);
  b_stored = stored (fixture, b);
  g_assert_cmpint (flint_run_get_state (b_stored), ==, FLINT_RUN_QUEUED);
  g_assert_cmpuint (flint_runner_get_n_queued (runner2), ==, 1);

  /* When a ends in the first runner, the second one notices and starts b. */
  fake_end (flint_run_get_id (a), FLINT_RUN_SUCCEEDED, NULL);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (submitted->len < 2 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (submitted->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (submitted, 1), ==, flint_run_get_id (b));
  settle ();
  g_assert_cmpint (flint_run_get_state (b), ==, FLINT_RUN_RUNNING);

  fake_end (flint_run_get_id (b), FLINT_RUN_SUCCEEDED, NULL);
  settle ();
  g_clear_object (&runner2);
}

/* A slot held by a process that died is free again. */
static void
test_limit_dead_owner (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintRun) orphan = flint_run_new ("orphan", "fake1", "fake");
  g_autoptr(FlintRun) alive = flint_run_new ("alive", "fake1", "fake");
  g_autoptr(FlintRun) a = NULL;

  flint_run_restore_state (orphan, FLINT_RUN_RUNNING);
  g_assert_true (flint_run_store_insert (fixture->store, orphan, &error));
  g_assert_true (flint_run_store_claim (fixture->store, flint_run_get_id (orphan), "999999999:gone", &error));
  g_assert_no_error (error);

  a = add_run (fixture->runner, "a", FLINT_RUN_PRIORITY_NORMAL);
  settle ();
  g_assert_cmpuint (submitted->len, ==, 1);

  /* A live owner's run (this process's pid) does hold the slot. */
  fake_end (flint_run_get_id (a), FLINT_RUN_SUCCEEDED, NULL);
  settle ();
  flint_run_restore_state (alive, FLINT_RUN_RUNNING);
  g_assert_true (flint_run_store_insert (fixture->store, alive, &error));
  {
    g_autofree char *owner = g_strdup_printf ("%d:other", (int) getpid ());

    g_assert_true (flint_run_store_claim (fixture->store, flint_run_get_id (alive), owner, &error));
  }
  g_clear_object (&a);
  a = add_run (fixture->runner, "b", FLINT_RUN_PRIORITY_NORMAL);
  settle ();
  g_assert_cmpuint (submitted->len, ==, 1);
  g_assert_cmpint (flint_run_get_state (a), ==, FLINT_RUN_QUEUED);
}

static gint64
test_clock (void)
{
  return g_get_real_time () + clock_offset;
}

/* Moves the runner's clock to @minutes (and a second) after the run started. */
static void
advance_clock (FlintRunner *runner,
               FlintRun    *run,
               guint        minutes)
{
  clock_offset = flint_run_get_started_at (run) - g_get_real_time ()
                 + (gint64) minutes * 60 * G_USEC_PER_SEC + G_USEC_PER_SEC;
  flint_runner_set_clock (runner, test_clock);
  settle ();
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintRun) run = flint_run_new ("slow", "fake1", "fake");
  g_autoptr(FlintRun) final = NULL;
  g_autoptr(JsonNode) json = NULL;

  flint_run_set_target_config (run, "{\"kind\": \"fake\"}");
  flint_run_set_timeout_minutes (run, 2);
  flint_run_set_max_attempts (run, 2);
  flint_run_set_retry_backoff (run, 1);
  g_assert_true (flint_runner_enqueue (fixture->runner, run, "pass\n", &error));
  g_assert_no_error (error);
  settle ();
  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_RUNNING);

  /* Not yet: a minute in, it goes on. */
  advance_clock (fixture->runner, run, 1);
  g_assert_cmpuint (cancels->len, ==, 0);
  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_RUNNING);

  /* Past two minutes: stopped through the target, failed, retried as a failed attempt. */
  advance_clock (fixture->runner, run, 2);
  g_assert_cmpuint (cancels->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (cancels, 0), ==, flint_run_get_id (run));
  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_QUEUED);
  g_assert_cmpuint (flint_run_get_attempt (run), ==, 2);
  g_assert_cmpstr (flint_run_get_message (run), ==, "Attempt 1 failed (Timed out after 2 minutes); retrying in 1 s");

  /* The second attempt gets its own two minutes, then fails for good. */
  clock_offset = 0;
  while (submitted->len < 2)
    g_main_context_iteration (NULL, TRUE);
  settle ();
  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_RUNNING);
  g_assert_cmpuint (cancels->len, ==, 1);
  advance_clock (fixture->runner, run, 2);
  g_assert_cmpuint (cancels->len, ==, 2);

  final = stored (fixture, run);
  g_assert_cmpint (flint_run_get_state (final), ==, FLINT_RUN_FAILED);
  g_assert_cmpstr (flint_run_get_message (final), ==, "Timed out after 2 minutes");
  g_assert_cmpuint (flint_run_get_attempt (final), ==, 2);
  /* What `flint-cli status --json` prints tells it apart from a user's cancel. */
  json = flint_run_to_json (final);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "state"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "message"), ==,
                   "Timed out after 2 minutes");
}

/* The deadline is the recorded start time plus the timeout, also for a runner started later. */
static void
test_timeout_resume (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintRun) run = flint_run_new ("slow", "fake1", "fake");
  g_autoptr(FlintRunStore) store2 = NULL;
  g_autoptr(FlintRunner) runner2 = NULL;
  g_autoptr(FlintRun) final = NULL;

  flint_run_set_target_config (run, "{\"kind\": \"fake\"}");
  flint_run_set_timeout_minutes (run, 1);
  g_assert_true (flint_runner_enqueue (fixture->runner, run, "pass\n", &error));
  settle ();
  g_assert_cmpint (flint_run_get_state (run), ==, FLINT_RUN_RUNNING);

  g_clear_object (&fixture->runner);
  g_hash_table_remove (following, flint_run_get_id (run));
  settle ();

  store2 = flint_run_store_new (fixture->path, &error);
  g_assert_no_error (error);
  current_store = store2;
  runner2 = flint_runner_new (store2);
  clock_offset = flint_run_get_started_at (run) - g_get_real_time () + 61 * G_USEC_PER_SEC;
  flint_runner_set_clock (runner2, test_clock);
  g_assert_cmpuint (flint_runner_resume (runner2), ==, 1);
  settle ();

  g_assert_cmpuint (cancels->len, ==, 1);
  final = flint_run_store_lookup (store2, flint_run_get_id (run), NULL);
  g_assert_cmpint (flint_run_get_state (final), ==, FLINT_RUN_FAILED);
  g_assert_cmpstr (flint_run_get_message (final), ==, "Timed out after 1 minute");
  g_clear_object (&runner2);
}

static void
test_resume (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(FlintRun) a = add_run (fixture->runner, "a", FLINT_RUN_PRIORITY_NORMAL);
  g_autoptr(FlintRun) b = add_run (fixture->runner, "b", FLINT_RUN_PRIORITY_NORMAL);
  g_autoptr(FlintRunStore) store2 = NULL;
  g_autoptr(FlintRunner) runner2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintRun) a_final = NULL;
  g_autoptr(FlintRun) b_final = NULL;
  GTask *stale;

  settle ();
  g_assert_cmpuint (submitted->len, ==, 1);

  /* "Flint quits": its runner goes, the run goes on. */
  g_clear_object (&fixture->runner);
  stale = g_hash_table_lookup (following, flint_run_get_id (a));
  g_assert_nonnull (stale);
  g_hash_table_remove (following, flint_run_get_id (a));
  settle ();

  store2 = flint_run_store_new (fixture->path, &error);
  g_assert_no_error (error);
  current_store = store2;
  runner2 = flint_runner_new (store2);
  g_assert_cmpuint (flint_runner_resume (runner2), ==, 2);
  /* A second resume takes nothing twice. */
  g_assert_cmpuint (flint_runner_resume (runner2), ==, 0);
  settle ();

  /* a is followed again, not submitted again; b waits for the slot. */
  g_assert_cmpuint (submitted->len, ==, 1);
  g_assert_true (g_hash_table_contains (following, flint_run_get_id (a)));
  fake_end (flint_run_get_id (a), FLINT_RUN_SUCCEEDED, NULL);
  settle ();
  g_assert_cmpuint (submitted->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (submitted, 1), ==, flint_run_get_id (b));
  fake_end (flint_run_get_id (b), FLINT_RUN_SUCCEEDED, NULL);
  settle ();

  a_final = flint_run_store_lookup (store2, flint_run_get_id (a), NULL);
  b_final = flint_run_store_lookup (store2, flint_run_get_id (b), NULL);
  g_assert_cmpint (flint_run_get_state (a_final), ==, FLINT_RUN_SUCCEEDED);
  g_assert_cmpint (flint_run_get_state (b_final), ==, FLINT_RUN_SUCCEEDED);
  g_clear_object (&runner2);
}

/* Runs the statements on the store at @path with sqlite3 itself, outside Flint. */
static void
sql (const char *path,
     const char *statements)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, statements, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", statements, message);
  sqlite3_close (db);
}

static int
user_version (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int version;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return version;
}

/* A store an older Flint wrote opens in this one with every run kept: version 1 (before a
 * run kept its environment) and version 2 (before its timeout). The old stores are made
 * from a new one by taking the later columns away again, as they were added at the end. */
static void
test_migrations (Fixture       *fixture,
                 gconstpointer  data)
{
  static const struct { int version; const char *downgrade; } olds[] = {
    { 1, "ALTER TABLE runs DROP COLUMN timeout_minutes; ALTER TABLE runs DROP COLUMN environment;"
         "PRAGMA user_version = 1" },
    { 2, "ALTER TABLE runs DROP COLUMN timeout_minutes; PRAGMA user_version = 2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (olds); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FlintRun) run = flint_run_new ("nightly", "prod", "fake");
      g_autoptr(FlintRunStore) store = NULL;
      g_autoptr(FlintRun) found = NULL;
      g_autoptr(FlintRun) later = flint_run_new ("hourly", "prod", "fake");
      g_autoptr(FlintRun) later_found = NULL;
      g_autofree char *path = g_strdup (fixture->path);

      /* A run as the old Flint recorded it, in a store of the old layout. */
      g_clear_object (&fixture->runner);
      g_clear_object (&fixture->store);
      g_assert_cmpint (g_unlink (path), ==, 0);
      store = flint_run_store_new (path, &error);
      g_assert_no_error (error);
      flint_run_set_target_config (run, "{\"kind\": \"fake\"}");
      flint_run_set_environment (run, "staging");
      flint_run_set_timeout_minutes (run, 30);
      flint_run_set_ui_url (run, "http://driver:4040");
      flint_run_set_message (run, "Job aborted: stage 3 failed");
      flint_run_restore_state (run, FLINT_RUN_FAILED);
      g_assert_true (flint_run_store_insert (store, run, &error));
      g_assert_no_error (error);
      g_clear_object (&store);
      sql (path, olds[i].downgrade);
      g_assert_cmpint (user_version (path), ==, olds[i].version);

      /* This Flint opens it, brings it to its own version, and the run is all there. */
      store = flint_run_store_new (path, &error);
      g_assert_no_error (error);
      g_assert_nonnull (store);
      g_assert_cmpint (user_version (path), ==, FLINT_RUN_STORE_SCHEMA_VERSION);
      found = flint_run_store_lookup (store, flint_run_get_id (run), &error);
      g_assert_no_error (error);
      g_assert_nonnull (found);
      g_assert_cmpstr (flint_run_get_pipeline_name (found), ==, "nightly");
      g_assert_cmpstr (flint_run_get_target_name (found), ==, "prod");
      g_assert_cmpint (flint_run_get_state (found), ==, FLINT_RUN_FAILED);
      g_assert_cmpstr (flint_run_get_ui_url (found), ==, "http://driver:4040");
      g_assert_cmpstr (flint_run_get_message (found), ==, "Job aborted: stage 3 failed");
      /* What the old layout had no column for is unset, not made up. */
      g_assert_cmpstr (flint_run_get_environment (found), ==, olds[i].version >= 2 ? "staging" : NULL);
      g_assert_cmpuint (flint_run_get_timeout_minutes (found), ==, 0);

      /* And new runs keep everything. */
      flint_run_set_environment (later, "prod");
      flint_run_set_timeout_minutes (later, 45);
      g_assert_true (flint_run_store_insert (store, later, &error));
      later_found = flint_run_store_lookup (store, flint_run_get_id (later), &error);
      g_assert_cmpstr (flint_run_get_environment (later_found), ==, "prod");
      g_assert_cmpuint (flint_run_get_timeout_minutes (later_found), ==, 45);
    }
}

static void
test_descriptions (void)
{
  g_autofree char *a = flint_target_node_from_description ("[flint:orders_by_country] Orders by country");
  g_autofree char *b = flint_target_node_from_description ("parquet at NativeMethodAccessorImpl.java:0");
  g_autofree char *c = flint_target_node_from_description ("[flint:] empty");

  g_assert_cmpstr (a, ==, "orders_by_country");
  g_assert_null (b);
  g_assert_null (c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  flint_target_register_kind ("fake", FAKE_TYPE_TARGET);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/runtime/store/record-before-submit", test_record_before_submit);
  ADD ("/runtime/store/transitions-reopen", test_transitions_reopen);
  ADD ("/runtime/store/resume", test_resume);
  ADD ("/runtime/queue/priorities", test_priorities);
  ADD ("/runtime/queue/limit", test_limit);
  ADD ("/runtime/queue/limit-across-runners", test_limit_across_runners);
  ADD ("/runtime/queue/limit-dead-owner", test_limit_dead_owner);
  ADD ("/runtime/queue/cancel-queued", test_cancel_queued);
  ADD ("/runtime/queue/cancel-running", test_cancel_running);
  ADD ("/runtime/queue/retry", test_retry);
  ADD ("/runtime/queue/timeout", test_timeout);
  ADD ("/runtime/store/coalesced-writes", test_coalesced_writes);
  ADD ("/runtime/queue/timeout-resume", test_timeout_resume);
  ADD ("/runtime/store/migrations", test_migrations);
#undef ADD
  g_test_add_func ("/runtime/target/descriptions", test_descriptions);

  return g_test_run ();
}
