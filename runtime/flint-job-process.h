/* flint-job-process.h: the launcher process a local or Spark Connect run lives in
 *
 * Internal to runtime/: what the local and Spark Connect targets share about the process
 * they start for a run (its own session, the log files in the run directory, a pid that
 * may outlive Flint, cancel as SIGTERM then SIGKILL after a grace period, log reading).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sys/types.h>

#include "flint-run.h"
#include "flint-target.h"

G_BEGIN_DECLS

/* A launcher started by this Flint process; refcounted, as the wait outlives the table. */
typedef struct
{
  GSubprocess *process;
  gboolean     exited;
  int          wait_status;
} FlintJobProcess;

GHashTable      *flint_job_process_table_new      (void);
FlintJobProcess *flint_job_process_watch          (GHashTable   *table,
                                                   FlintRun     *run,
                                                   GSubprocess  *process);

char            *flint_job_run_file               (FlintRun     *run,
                                                   const char   *name);
gboolean         flint_job_run_file_exists        (FlintRun     *run,
                                                   const char   *name);
char            *flint_job_read_run_file          (FlintRun     *run,
                                                   const char   *name);
void             flint_job_remove_run_files       (FlintRun     *run,
                                                   const char  **names,
                                                   guint         n_names);
gint64           flint_job_data_int               (FlintRun     *run,
                                                   const char   *key);
GByteArray      *flint_job_read_file_from         (const char   *path,
                                                   guint64       offset);

void             flint_job_process_child_setup    (gpointer      user_data);
int              flint_job_process_open_log       (FlintRun     *run,
                                                   const char   *name,
                                                   GError      **error);
gboolean         flint_job_process_alive          (FlintRun     *run,
                                                   pid_t         pid);

void             flint_job_process_cancel         (FlintRun     *run,
                                                   pid_t         pid,
                                                   gboolean      term_group,
                                                   guint         kill_grace);

/* A target's own words for how its launcher ended: a run lost (it ended while no Flint was
 * watching, with no exit status left) and a run failed with @exit_status. */
typedef char    *(*FlintJobMessageFunc)             (FlintRun            *run,
                                                     int                  exit_status);

void             flint_job_process_conclude         (FlintRun            *run,
                                                     gboolean             know_status,
                                                     int                  exit_status,
                                                     FlintJobMessageFunc  lost_message,
                                                     FlintJobMessageFunc  failure_message);
char            *flint_job_process_last_stderr_line (FlintRun            *run);

void             flint_job_process_read_logs_async  (gpointer             source_object,
                                                     FlintRun            *run,
                                                     FlintLogStream       stream,
                                                     guint64              offset,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GBytes          *flint_job_process_read_logs_finish (GAsyncResult        *result,
                                                     guint64             *next_offset,
                                                     GError             **error);

G_END_DECLS
