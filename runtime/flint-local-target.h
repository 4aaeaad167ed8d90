/* flint-local-target.h: Spark on this machine (the default target)
 *
 * Finds Spark ($SPARK_HOME/bin/spark-submit, spark-submit on PATH, or a Python that imports
 * pyspark: $FLINT_PYTHON, then python3), runs the program in the run directory with the UI
 * on a free port, follows the driver's REST API, and keeps stdout.log and stderr.log there.
 * The target's settings: {kind: local, master: "local[2]"}.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-target.h"

G_BEGIN_DECLS

#define FLINT_TYPE_LOCAL_TARGET (flint_local_target_get_type ())
G_DECLARE_FINAL_TYPE (FlintLocalTarget, flint_local_target, FLINT, LOCAL_TARGET, GObject)

/* Milliseconds between two looks at the driver (1000). */
void      flint_local_target_set_poll_interval (FlintLocalTarget *self,
                                                guint             msec);
/* Between SIGTERM and SIGKILL when cancelling (5000). */
void      flint_local_target_set_kill_grace    (FlintLocalTarget *self,
                                                guint             msec);
/* A --conf for every run (spark.sql.shuffle.partitions=2 for tests). */
void      flint_local_target_add_conf          (FlintLocalTarget *self,
                                                const char       *key,
                                                const char       *value);

/* How Spark would be started here: "spark-submit PATH" or "python PATH"; NULL with an
 * error listing what was tried. Blocks (it may run python once); cached per process. */
char     *flint_local_target_find_spark        (gboolean         *is_python,
                                                GError          **error);

G_END_DECLS
