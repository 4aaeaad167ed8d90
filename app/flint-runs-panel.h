/* flint-runs-panel.h: every run of the run store and what the runner follows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flint-runtime.h"

G_BEGIN_DECLS

#define FLINT_TYPE_RUNS_PANEL (flint_runs_panel_get_type ())

G_DECLARE_FINAL_TYPE (FlintRunsPanel, flint_runs_panel, FLINT, RUNS_PANEL, GtkWidget)

/* The runs @runner knows (the store's most recent ones, then each run it adds), newest
 * first. Each row has the actions run.cancel, run.rerun, run.logs and run.spark-ui.
 * Signals:
 *   ::run-activated (FlintRun *)   a row was activated (the window shows its progress) */
GtkWidget  *flint_runs_panel_new          (FlintRunner    *runner);
FlintRunner *flint_runs_panel_get_runner  (FlintRunsPanel *self);
/* The runs shown, as FlintRun items, newest first. */
GListModel *flint_runs_panel_get_runs     (FlintRunsPanel *self);
/* The row showing @run_id (a GtkListBoxRow whose parts are named "state-label",
 * "state-icon", "progress-bar", "elapsed-label", "title-label", "message-label"), or NULL. */
GtkWidget  *flint_runs_panel_get_row      (FlintRunsPanel *self,
                                           const char     *run_id);
/* A new run of the same program on the same target (asynchronous: it appears through the
 * runner's ::run-added). */
void        flint_runs_panel_rerun        (FlintRunsPanel *self,
                                           FlintRun       *run);
/* A window following the run's driver output (stdout and stderr) while it runs. */
GtkWindow  *flint_runs_panel_show_logs    (FlintRunsPanel *self,
                                           FlintRun       *run);

/* "0:42", "12:03", "1:02:03": how long a run took or has been running. */
char       *flint_runs_format_elapsed     (FlintRun       *run,
                                           gint64          now);
/* The share of the run's tasks done, over its nodes (1 when it succeeded). */
double      flint_runs_get_fraction       (FlintRun       *run);
const char *flint_runs_state_label        (FlintRunState   state);
const char *flint_runs_state_icon         (FlintRunState   state);

G_END_DECLS
