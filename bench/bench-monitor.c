/* bench-monitor.c: what following many runs costs the process that follows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The follower is the real one: the local target's default follow (a refresh every
 * second: the driver's pid, then its REST API /applications, /environment, /jobs) with
 * changes of a run written to a run store as the runner writes them. The drivers are a
 * stand-in: a child process (this program with --serve) that answers Spark's REST API
 * for N drivers on N loopback ports, each with three sink jobs whose task counts grow, so
 * that every look changes the runs' progress and the store is written each time. Only
 * the follower's CPU time (getrusage of this process) is counted; the stand-in runs in
 * its own process. The goal is a ratio measured in one run: following 50 runs for a
 * minute costs at most a few percent of one core, against following 1 run.
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "flint-runtime.h"

#define GOAL_PERCENT 5.0   /* % of one core, following the many runs */
#define JOBS_PER_DRIVER 3

static guint n_runs = 50;
static guint seconds = 30;
static gboolean markdown;
static gboolean strict;
static gboolean no_store;
static gboolean per_change;
static guint64 writes;            /* store writes in the measured period */
static GPtrArray *dirty_runs;     /* changed since written, waiting for the flush */
static guint flush_id;

/* The stand-in drivers {{{ */

static gint64 serve_started;

static void
add_job (JsonBuilder *b,
         guint        job_id,
         guint        sink,
         guint        done)
{
  g_autofree char *description = g_strdup_printf ("[flint:sink_%u] Sink %u", sink, sink);
  g_autofree char *name = g_strdup_printf ("save at NativeMethodAccessorImpl.java:0 (sink %u)", sink);
  gboolean finished = done >= 200;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "jobId"); json_builder_add_int_value (b, job_id);
  json_builder_set_member_name (b, "name"); json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "description"); json_builder_add_string_value (b, description);
  json_builder_set_member_name (b, "submissionTime"); json_builder_add_string_value (b, "2025-01-01T00:00:00.000GMT");
  json_builder_set_member_name (b, "stageIds");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, job_id * 2);
  json_builder_add_int_value (b, job_id * 2 + 1);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "jobGroup"); json_builder_add_string_value (b, "flint");
  json_builder_set_member_name (b, "jobTags"); json_builder_begin_array (b); json_builder_end_array (b);
  json_builder_set_member_name (b, "status"); json_builder_add_string_value (b, finished ? "SUCCEEDED" : "RUNNING");
  json_builder_set_member_name (b, "numTasks"); json_builder_add_int_value (b, 200);
  json_builder_set_member_name (b, "numActiveTasks"); json_builder_add_int_value (b, finished ? 0 : 4);
  json_builder_set_member_name (b, "numCompletedTasks"); json_builder_add_int_value (b, MIN (done, 200));
  json_builder_set_member_name (b, "numSkippedTasks"); json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "numFailedTasks"); json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "numKilledTasks"); json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "numCompletedIndices"); json_builder_add_int_value (b, MIN (done, 200));
  json_builder_set_member_name (b, "numActiveStages"); json_builder_add_int_value (b, finished ? 0 : 1);
  json_builder_set_member_name (b, "numCompletedStages"); json_builder_add_int_value (b, finished ? 2 : done >= 100);
  json_builder_set_member_name (b, "numSkippedStages"); json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "numFailedStages"); json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "killedTasksSummary"); json_builder_begin_object (b); json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
serve_request (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  GSocketAddress *local = soup_server_message_get_local_address (message);
  guint port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  GStrv run_ids = user_data;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *app = g_strdup_printf ("/api/v1/applications/local-%u", port);
  g_autofree char *body = NULL;
  const char *run_id = NULL;
  guint index = 0;

  /* Ports were handed out in the order of the run ids: "PORT=RUN_ID". */
  for (guint i = 0; run_ids[i] != NULL; i++)
    if ((guint) atoi (run_ids[i]) == port)
      {
        run_id = strchr (run_ids[i], '=') + 1;
        index = i;
      }

  if (g_str_equal (path, "/api/v1/applications"))
    {
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id"); json_builder_add_string_value (b, app + strlen ("/api/v1/applications/"));
      json_builder_set_member_name (b, "name"); json_builder_add_string_value (b, "bench");
      json_builder_set_member_name (b, "attempts"); json_builder_begin_array (b); json_builder_end_array (b);
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  else if (g_str_has_prefix (path, app) && g_str_equal (path + strlen (app), "/environment"))
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "sparkProperties");
      json_builder_begin_array (b);
      json_builder_begin_array (b);
      json_builder_add_string_value (b, "spark.flint.run.id");
      json_builder_add_string_value (b, run_id);
      json_builder_end_array (b);
      json_builder_begin_array (b);
      json_builder_add_string_value (b, "spark.master");
      json_builder_add_string_value (b, "local[2]");
      json_builder_end_array (b);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  else if (g_str_has_prefix (path, app) && g_str_equal (path + strlen (app), "/jobs"))
    {
      /* Ten tasks a second per job, drivers out of step: each look sees something new. */
      guint done = (guint) ((g_get_monotonic_time () - serve_started) / (G_USEC_PER_SEC / 10)) + index * 7;

      json_builder_begin_array (b);
      for (guint j = JOBS_PER_DRIVER; j > 0; j--)
        add_job (b, j - 1, j, done % 400);
      json_builder_end_array (b);
    }
  else
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static int
serve (char **args)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;

  /* args: PROGRAM (so the follower sees it in our command line) PORT=RUN_ID... */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  serve_started = g_get_monotonic_time ();
  soup_server_add_handler (server, "/api/v1", serve_request, args + 1, NULL);
  for (guint i = 1; args[i] != NULL; i++)
    if (!soup_server_listen_local (server, (guint) atoi (args[i]), SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
      {
        g_printerr ("stand-in: %s\n", error->message);
        return 1;
      }
  g_main_loop_run (loop);
  return 0;
}

/* }}} */

/* The follower {{{ */

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  if (!g_socket_bind (socket, address, FALSE, NULL))
    return 0;
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
listening (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);

  return connection != NULL;
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

typedef struct
{
  guint   runs;
  double  cpu;          /* seconds over the measured period */
  double  wall;
  double  per_minute;   /* CPU seconds per minute of following */
  double  percent;      /* of one core */
  guint64 polls;        /* REST looks that reached /jobs, over runs */
  guint64 updates;      /* run changes */
  guint64 writes;       /* store writes */
} Result;

static gboolean
flush_changes (gpointer user_data)
{
  FlintRunStore *store = user_data;

  flush_id = 0;
  for (guint i = 0; i < dirty_runs->len; i++)
    {
      FlintRun *run = g_ptr_array_index (dirty_runs, i);

      g_object_set_data (G_OBJECT (run), "dirty", NULL);
      flint_run_store_update (store, run, NULL);
      writes++;
    }
  g_ptr_array_set_size (dirty_runs, 0);
  return G_SOURCE_REMOVE;
}

static void
run_changed (FlintRun      *run,
             FlintRunStore *store)
{
  guint64 *updates = g_object_get_data (G_OBJECT (store), "updates");
  int state = (int) flint_run_get_state (run) + 1;

  (*updates)++;
  if (no_store)
    return;
  /* As the runner does (flint-runner.c, run_changed): a change of state is written at once,
   * other changes once the look that made them is over. --per-change: every change at once,
   * as the runner did before. */
  if (per_change || GPOINTER_TO_INT (g_object_get_data (G_OBJECT (run), "written-state")) != state)
    {
      g_object_set_data (G_OBJECT (run), "written-state", GINT_TO_POINTER (state));
      flint_run_store_update (store, run, NULL);
      writes++;
      return;
    }
  if (g_object_get_data (G_OBJECT (run), "dirty") != NULL)
    return;
  g_object_set_data (G_OBJECT (run), "dirty", GINT_TO_POINTER (1));
  if (dirty_runs == NULL)
    dirty_runs = g_ptr_array_new ();
  g_ptr_array_add (dirty_runs, run);
  if (flush_id == 0)
    flush_id = g_idle_add (flush_changes, store);
}

static void
followed (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  guint *pending = user_data;

  flint_target_follow_finish (FLINT_TARGET (source), result, NULL);
  (*pending)--;
}

static gboolean
measure (guint        runs,
         const char  *dir,
         const char  *program,
         guint       *ports,
         Result      *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(FlintTarget) target = NULL;
  g_autoptr(FlintRunStore) store = NULL;
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *store_path = g_strdup_printf ("%s/runs-%u.sqlite", dir, runs);
  guint64 updates = 0;
  guint pending = 0;
  double cpu_start;
  gint64 start, warm, end;

  json_object_set_string_member (config, "kind", "local");
  /* As the runner registers it. */
  if (flint_target_lookup_kind ("local") == G_TYPE_INVALID)
    flint_target_register_kind ("local", FLINT_TYPE_LOCAL_TARGET);
  target = flint_target_new_for_config ("local", config, &error);
  store = flint_run_store_new (store_path, &error);
  if (target == NULL || store == NULL)
    {
      g_printerr ("bench-monitor: %s\n", error->message);
      return FALSE;
    }
  g_object_set_data (G_OBJECT (store), "updates", &updates);

  for (guint i = 0; i < runs; i++)
    {
      g_autofree char *id = g_strdup_printf ("bench-run-%u", i);
      g_autofree char *run_dir = g_strdup_printf ("%s/%s", dir, id);
      g_autofree char *pid = g_strdup_printf ("%d", (int) ports[n_runs]);  /* the stand-in's pid */
      JsonObject *data = json_object_new ();
      FlintRun *run = flint_run_new_with_id (id, "bench", "local", "local", g_get_real_time ());

      g_mkdir_with_parents (run_dir, 0700);
      flint_run_set_run_dir (run, run_dir);
      flint_run_set_program_file (run, program);
      flint_run_set_external_id (run, pid);
      json_object_set_int_member (data, "pid", ports[n_runs]);
      json_object_set_int_member (data, "port", ports[i]);
      json_object_set_int_member (data, "rest_polls", 0);
      json_object_set_array_member (data, "rest_jobs", json_array_new ());
      flint_run_set_target_data (run, data);
      json_object_unref (data);
      flint_run_restore_state (run, FLINT_RUN_RUNNING);
      if (!flint_run_store_insert (store, run, &error))
        {
          g_printerr ("bench-monitor: %s\n", error->message);
          return FALSE;
        }
      g_signal_connect (run, "changed", G_CALLBACK (run_changed), store);
      g_ptr_array_add (array, run);
    }

  /* Start them a little apart, as runs are, then measure once all are followed. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < runs; i++)
    {
      gint64 at = start + (gint64) i * G_USEC_PER_SEC / MAX (runs, 1);

      while (g_get_monotonic_time () < at)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (1000);
      pending++;
      flint_target_follow_async (target, g_ptr_array_index (array, i), cancellable, followed, &pending);
    }
  warm = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < warm)
    g_main_context_iteration (NULL, TRUE);

  updates = 0;
  writes = 0;
  for (guint i = 0; i < runs; i++)
    {
      JsonObject *data = flint_run_get_target_data (g_ptr_array_index (array, i));

      result->polls -= json_object_get_int_member_with_default (data, "rest_polls", 0);
    }
  cpu_start = cpu_seconds ();
  start = g_get_monotonic_time ();
  end = start + (gint64) seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  result->cpu = cpu_seconds () - cpu_start;
  result->wall = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  result->updates = updates;
  result->writes = writes;
  for (guint i = 0; i < runs; i++)
    {
      FlintRun *run = g_ptr_array_index (array, i);
      JsonObject *data = flint_run_get_target_data (run);
      const FlintNodeProgress *p = flint_run_lookup_progress (run, "sink_1");

      result->polls += json_object_get_int_member_with_default (data, "rest_polls", 0);
      if (flint_run_get_state (run) != FLINT_RUN_RUNNING || p == NULL || p->tasks_total != 200)
        {
          g_printerr ("bench-monitor: run %u was not followed (state %s, message %s)\n", i,
                      flint_run_state_to_string (flint_run_get_state (run)), flint_run_get_message (run));
          return FALSE;
        }
    }

  g_cancellable_cancel (cancellable);
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < runs; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (array, i), run_changed, store);
  if (flush_id != 0)
    {
      g_clear_handle_id (&flush_id, g_source_remove);
      flush_changes (store);
    }

  result->runs = runs;
  result->per_minute = result->cpu * 60.0 / result->wall;
  result->percent = result->cpu * 100.0 / result->wall;
  return TRUE;
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs followed at once (50)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Seconds measured for each case (30)", "S" },
    { "markdown", 0, 0, G_OPTION_ARG_NONE, &markdown, "Print the results as a Markdown table", NULL },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict, "Exit 2 when the goal is missed", NULL },
    { "no-store", 0, 0, G_OPTION_ARG_NONE, &no_store, "Do not write changes to the run store (to split the cost)", NULL },
    { "per-change", 0, 0, G_OPTION_ARG_NONE, &per_change, "Write every change to the store at once (the runner before it coalesced them)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) standin = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *program = NULL;
  g_autofree guint *ports = NULL;
  Result one = { 0 }, many = { 0 };
  gint64 deadline;
  double ratio;
  gboolean met;

  if (argc > 1 && g_str_equal (argv[1], "--serve"))
    return serve (argv + 2);

  /* The follower talks to loopback only: no proxy lookup through GSettings. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  context = g_option_context_new ("- CPU cost of following many runs");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_runs == 0 || seconds == 0)
    {
      g_printerr ("bench-monitor: %s\n", error ? error->message : "--runs and --seconds must be positive");
      return 2;
    }

  dir = g_dir_make_tmp ("flint-bench-monitor-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_CACHE_HOME", dir, TRUE);
  program = g_build_filename (dir, "bench_program.py", NULL);
  g_file_set_contents (program, "# stand-in\n", -1, NULL);

  /* ports[0..n_runs-1]: the drivers; ports[n_runs]: the stand-in's pid, once known. A port
   * found free may be taken before the stand-in binds it: then again with other ports. */
  ports = g_new0 (guint, n_runs + 1);
  for (guint attempt = 0; standin == NULL && attempt < 5; attempt++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
      gboolean up = TRUE;

      g_ptr_array_add (args, g_file_read_link ("/proc/self/exe", NULL));
      g_ptr_array_add (args, g_strdup ("--serve"));
      g_ptr_array_add (args, g_strdup (program));
      for (guint i = 0; i < n_runs; i++)
        {
          ports[i] = free_port ();
          g_ptr_array_add (args, g_strdup_printf ("%u=bench-run-%u", ports[i], i));
        }
      g_ptr_array_add (args, NULL);
      standin = g_subprocess_newv ((const char * const *) args->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
      g_assert_no_error (error);
      ports[n_runs] = (guint) atoi (g_subprocess_get_identifier (standin));
      deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
      for (guint i = 0; up && i < n_runs; i++)
        while (up && !listening (ports[i]))
          {
            if (g_get_monotonic_time () > deadline || kill ((pid_t) ports[n_runs], 0) != 0)
              up = FALSE;
            else
              {
                g_autofree char *stat_path = g_strdup_printf ("/proc/%u/stat", ports[n_runs]);
                g_autofree char *stat = NULL;
                const char *p;

                /* Exited (a zombie until reaped): a port was taken. */
                if (g_file_get_contents (stat_path, &stat, NULL, NULL) && (p = strrchr (stat, ')')) != NULL && p[2] == 'Z')
                  up = FALSE;
                else
                  g_usleep (20 * 1000);
              }
          }
      if (!up)
        {
          g_subprocess_force_exit (standin);
          g_subprocess_wait (standin, NULL, NULL);
          g_clear_object (&standin);
        }
    }
  if (standin == NULL)
    {
      g_printerr ("bench-monitor: the stand-in drivers did not start\n");
      return 1;
    }

  g_printerr ("Following 1 run for %u s...\n", seconds);
  if (!measure (1, dir, program, ports, &one))
    return 1;
  g_printerr ("Following %u runs for %u s...\n", n_runs, seconds);
  if (!measure (n_runs, dir, program, ports, &many))
    return 1;
  g_subprocess_force_exit (standin);

  ratio = one.cpu > 0 ? many.per_minute / one.per_minute : 0;
  met = many.percent <= GOAL_PERCENT;
  if (markdown)
    {
      printf ("| runs followed | CPU s per minute | %% of one core | REST looks per second | run changes per second | store writes per second |\n");
      printf ("|---:|---:|---:|---:|---:|---:|\n");
    }
  for (guint k = 0; k < 2; k++)
    {
      Result *r = k == 0 ? &one : &many;

      if (markdown)
        printf ("| %u | %.3f | %.2f %% | %.1f | %.1f | %.1f |\n", r->runs, r->per_minute, r->percent,
                r->polls / r->wall, r->updates / r->wall, r->writes / r->wall);
      else
        printf ("%3u runs: %.3f CPU s per minute (%.2f %% of one core), %.1f REST looks/s, %.1f run changes/s, %.1f store writes/s\n",
                r->runs, r->per_minute, r->percent, r->polls / r->wall, r->updates / r->wall, r->writes / r->wall);
    }
  printf ("%s%u runs cost %.1f times 1 run (%.2f per run); goal: at most %.0f %% of one core: %s\n",
          markdown ? "\n" : "", n_runs, ratio, ratio / n_runs, GOAL_PERCENT, met ? "met" : "MISSED");
  return strict && !met ? 2 : 0;
}
