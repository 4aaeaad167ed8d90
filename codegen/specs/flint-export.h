/* flint-export.h: job specs for CI from a pipeline or a project of pipelines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-job-settings.h"

G_BEGIN_DECLS

typedef struct
{
  char     *path;        /* relative to the export directory, '/'-separated */
  char     *content;
  gboolean  executable;
} FlintExportFile;

void       flint_export_file_free (FlintExportFile *file);

/* Every file an export to @target writes, in path order: the generated code and the
 * target's specs (kubernetes: ConfigMap + SparkApplication or ScheduledSparkApplication;
 * databricks: runs/submit JSON and databricks.yml; local and spark_connect: a
 * spark-submit script). @file is a pipeline (*.flint.yaml) or a project
 * (flint-project.yaml). The same input gives the same bytes on any machine. */
GPtrArray *flint_export_run       (GFile       *file,
                                   const char  *target,
                                   const char  *environment,
                                   GError     **error);

G_END_DECLS
