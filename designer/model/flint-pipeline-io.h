/* flint-pipeline-io.h: reading and writing *.flint.yaml
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-pipeline.h"

G_BEGIN_DECLS

/* Limits that keep a hostile file from exhausting memory or the stack. */
#define FLINT_LOAD_MAX_BYTES  (256u * 1024u * 1024u)
#define FLINT_LOAD_MAX_DEPTH  64

/* Errors are FLINT_PIPELINE_ERROR and their message starts with "LINE:COLUMN: "
 * (1-based) when the problem has a place in the text. Older format versions are
 * migrated; a newer one is refused. Keys the format does not define are errors. */
FlintPipeline *flint_pipeline_load_from_data  (FlintCatalog        *catalog,
                                               const char          *data,
                                               gsize                length,
                                               GError             **error);
FlintPipeline *flint_pipeline_load_from_file  (FlintCatalog        *catalog,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GError             **error);
void           flint_pipeline_load_async      (FlintCatalog        *catalog,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
FlintPipeline *flint_pipeline_load_finish     (GAsyncResult        *result,
                                               GError             **error);

/* The file's text: stable key order, so that saving what was loaded from a saved file
 * gives the same bytes. */
char          *flint_pipeline_to_yaml         (FlintPipeline       *self,
                                               gsize               *length);
/* Atomic: writes a temporary file and renames it over @file, so a failed save never
 * damages what is on disk. */
gboolean       flint_pipeline_save_to_file    (FlintPipeline       *self,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GError             **error);
/* Serializes at once (the document may change afterwards) and writes in a thread. */
void           flint_pipeline_save_async      (FlintPipeline       *self,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       flint_pipeline_save_finish     (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
