/* flint-job-process.c: the launcher process a local or Spark Connect run lives in
 *
 * Both targets run a small Python launcher in a session of its own (setsid), with its
 * output appended to stdout.log and stderr.log in the run directory and its pid recorded
 * with the run, so that a later Flint process can still follow, cancel and read it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "flint-job-process.h"

/* Processes {{{ */

static void
job_process_clear (gpointer data)
{
  FlintJobProcess *jp = data;

  g_clear_object (&jp->process);
}

static void
job_process_release (FlintJobProcess *jp)
{
  g_rc_box_release_full (jp, job_process_clear);
}

/* Run id -> FlintJobProcess. */
GHashTable *
flint_job_process_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) job_process_release);
}

static void
process_exited (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FlintJobProcess *jp = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  jp->exited = TRUE;
  jp->wait_status = g_subprocess_get_status (G_SUBPROCESS (source));
  job_process_release (jp);
}

/* Records @process as @run's in @table and notes when it exits; returns it, borrowed. */
FlintJobProcess *
flint_job_process_watch (GHashTable  *table,
                         FlintRun    *run,
                         GSubprocess *process)
{
  FlintJobProcess *jp = g_rc_box_new0 (FlintJobProcess);

  jp->process = g_object_ref (process);
  g_hash_table_replace (table, g_strdup (flint_run_get_id (run)), jp);
  g_subprocess_wait_async (process, NULL, process_exited, g_rc_box_acquire (jp));
  return jp;
}

/* }}} */

/* The run directory {{{ */

char *
flint_job_run_file (FlintRun   *run,
                    const char *name)
{
  return g_build_filename (flint_run_get_run_dir (run), name, NULL);
}

gboolean
flint_job_run_file_exists (FlintRun   *run,
                           const char *name)
{
  g_autofree char *path = flint_job_run_file (run, name);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

char *
flint_job_read_run_file (FlintRun   *run,
                         const char *name)
{
  g_autofree char *path = flint_job_run_file (run, name);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return g_strstrip (text);
}

/* The run is over: its state from how its launcher ended, or from the files it left (a
 * cancel another process asked for, the exit status a launcher no Flint watched wrote). */
void
flint_job_process_conclude (FlintRun            *run,
                            gboolean             know_status,
                            int                  exit_status,
                            FlintJobMessageFunc  lost_message,
                            FlintJobMessageFunc  failure_message)
{
  gboolean cancel_requested = flint_job_run_file_exists (run, "cancel-requested");
  g_autofree char *message = NULL;

  if (!know_status)
    {
      g_autofree char *text = flint_job_read_run_file (run, "exit-status");

      if (text != NULL && *text != '\0')
        {
          know_status = TRUE;
          exit_status = (int) g_ascii_strtoll (text, NULL, 10);
        }
    }

  if (cancel_requested && (!know_status || exit_status != 0))
    {
      flint_run_set_message (run, _("Cancelled"));
      flint_run_set_state (run, FLINT_RUN_CANCELLED);
    }
  else if (!know_status)
    {
      message = lost_message (run, -1);
      flint_run_set_message (run, message);
      flint_run_set_state (run, FLINT_RUN_LOST);
    }
  else if (exit_status == 0)
    {
      flint_run_set_message (run, NULL);
      flint_run_set_state (run, FLINT_RUN_SUCCEEDED);
    }
  else
    {
      message = failure_message (run, exit_status);
      flint_run_set_message (run, message);
      flint_run_set_state (run, FLINT_RUN_FAILED);
    }
}

/* The last line of the run's stderr.log (what a failed driver said last), or NULL. */
char *
flint_job_process_last_stderr_line (FlintRun *run)
{
  g_autofree char *err_log = flint_job_read_run_file (run, "stderr.log");
  const char *last;

  if (err_log == NULL || *err_log == '\0')
    return NULL;
  last = strrchr (err_log, '\n');

  return g_strdup (last != NULL ? last + 1 : err_log);
}

/* An earlier attempt's markers must not speak for this one. */
void
flint_job_remove_run_files (FlintRun    *run,
                            const char **names,
                            guint        n_names)
{
  for (guint i = 0; i < n_names; i++)
    {
      g_autofree char *path = flint_job_run_file (run, names[i]);
      g_unlink (path);
    }
}

gint64
flint_job_data_int (FlintRun   *run,
                    const char *key)
{
  return json_object_get_int_member_with_default (flint_run_get_target_data (run), key, 0);
}

/* }}} */

/* Starting and watching {{{ */

void
flint_job_process_child_setup (gpointer user_data)
{
  /* A session of its own: cancel signals the group, and Ctrl-C in a terminal does not. */
  setsid ();
}

/* Opens the run's log @name for appending, with a header when this is a retry. */
int
flint_job_process_open_log (FlintRun    *run,
                            const char  *name,
                            GError     **error)
{
  g_autofree char *path = flint_job_run_file (run, name);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write %s: %s"), path, g_strerror (saved_errno));
      return -1;
    }
  if (flint_run_get_attempt (run) > 1)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *when = g_date_time_format (now, "%F %T");
      g_autofree char *header = g_strdup_printf ("\n=== Flint: attempt %u, %s ===\n", flint_run_get_attempt (run), when);

      if (write (fd, header, strlen (header)) < 0)
        g_debug ("Cannot write the log header: %s", g_strerror (errno));
    }
  return fd;
}

/* Is @pid still the launcher of @run (and not a recycled pid)? */
gboolean
flint_job_process_alive (FlintRun *run,
                         pid_t     pid)
{
  g_autofree char *cmdline_path = g_strdup_printf ("/proc/%d/cmdline", (int) pid);
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *cmdline = NULL;
  g_autofree char *stat = NULL;
  gsize length = 0;
  const char *program = flint_run_get_program_file (run);
  const char *p;

  if (pid <= 0 || (kill (pid, 0) != 0 && errno != EPERM))
    return FALSE;

  /* A zombie is gone for our purposes. */
  if (g_file_get_contents (stat_path, &stat, NULL, NULL) && (p = strrchr (stat, ')')) != NULL &&
      (p[2] == 'Z' || p[2] == 'X'))
    return FALSE;

  if (!g_file_get_contents (cmdline_path, &cmdline, &length, NULL))
    return TRUE;
  for (gsize i = 0; i + 1 < length; i++)
    if (cmdline[i] == '\0')
      cmdline[i] = ' ';
  return program == NULL || strstr (cmdline, program) != NULL;
}

/* }}} */

/* Cancel {{{ */

typedef struct
{
  pid_t     pid;
  FlintRun *run;
  gboolean  term_group;
} KillData;

static gboolean
kill_hard (gpointer user_data)
{
  KillData *data = user_data;

  if (data->term_group)
    {
      /* The whole group: the JVM may outlive the Python driver that led it. */
      if (kill (-data->pid, 0) == 0)
        kill (-data->pid, SIGKILL);
      else if (flint_job_process_alive (data->run, data->pid))
        kill (data->pid, SIGKILL);
    }
  else if (flint_job_process_alive (data->run, data->pid))
    {
      if (kill (-data->pid, SIGKILL) != 0)
        kill (data->pid, SIGKILL);
    }
  return G_SOURCE_REMOVE;
}

static void
kill_data_free (KillData *data)
{
  g_object_unref (data->run);
  g_free (data);
}

/* Marks @run as cancel-requested (a file, so that another Flint process following it sees
 * it), sends SIGTERM to its launcher @pid (to its whole group when @term_group) and SIGKILL
 * after @kill_grace milliseconds if it is still there. Whoever cancels keeps following the
 * run until it ended (flint-cli cancel does), so the timeout runs. */
void
flint_job_process_cancel (FlintRun *run,
                          pid_t     pid,
                          gboolean  term_group,
                          guint     kill_grace)
{
  g_autofree char *marker = flint_job_run_file (run, "cancel-requested");
  KillData *data;

  g_file_set_contents (marker, "", 0, NULL);
  if (pid <= 0 || !flint_job_process_alive (run, pid))
    return;

  if (!term_group)
    kill (pid, SIGTERM);
  else if (pid > 1 && kill (-pid, SIGTERM) != 0)
    kill (pid, SIGTERM);

  data = g_new0 (KillData, 1);
  data->pid = pid;
  data->run = g_object_ref (run);
  data->term_group = term_group;
  g_timeout_add_full (G_PRIORITY_DEFAULT, kill_grace, kill_hard, data, (GDestroyNotify) kill_data_free);
}

/* }}} */

/* Logs {{{ */

typedef struct
{
  char    *path;
  guint64  offset;
  guint64  next;
} LogData;

static void
log_data_free (LogData *data)
{
  g_free (data->path);
  g_free (data);
}

/* Blocking: what @path holds from byte @offset on; empty when there is no such file yet (a
 * log or event file the launcher has not written). */
GByteArray *
flint_job_read_file_from (const char *path,
                          guint64     offset)
{
  GByteArray *bytes = g_byte_array_new ();
  guint8 buffer[65536];
  ssize_t n;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return bytes;
  if (lseek (fd, (off_t) offset, SEEK_SET) >= 0)
    while ((n = read (fd, buffer, sizeof buffer)) > 0)
      g_byte_array_append (bytes, buffer, (guint) n);
  close (fd);

  return bytes;
}

static void
read_log_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  LogData *data = task_data;
  g_autoptr(GByteArray) bytes = flint_job_read_file_from (data->path, data->offset);

  data->next = data->offset + bytes->len;
  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&bytes)), (GDestroyNotify) g_bytes_unref);
}

/* Reads @run's stdout.log or stderr.log from byte @offset on, in a thread. */
void
flint_job_process_read_logs_async (gpointer             source_object,
                                   FlintRun            *run,
                                   FlintLogStream       stream,
                                   guint64              offset,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  LogData *data = g_new0 (LogData, 1);

  g_task_set_source_tag (task, flint_job_process_read_logs_async);
  data->path = flint_job_run_file (run, stream == FLINT_LOG_STDOUT ? "stdout.log" : "stderr.log");
  data->offset = offset;
  g_task_set_task_data (task, data, (GDestroyNotify) log_data_free);
  g_task_run_in_thread (task, read_log_thread);
}

GBytes *
flint_job_process_read_logs_finish (GAsyncResult  *result,
                                    guint64       *next_offset,
                                    GError       **error)
{
  LogData *data = g_task_get_task_data (G_TASK (result));
  GBytes *bytes = g_task_propagate_pointer (G_TASK (result), error);

  if (next_offset != NULL)
    *next_offset = bytes ? data->next : data->offset;
  return bytes;
}

/* }}} */
