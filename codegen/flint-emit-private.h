/* flint-emit-private.h: what the language emitters share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-codegen.h"
#include "flint-writer.h"

G_BEGIN_DECLS

typedef struct
{
  FlintPipeline  *pipeline;
  FlintValidator *validator;   /* up to date: flows (schemas) of every port */
  FlintCodePlan  *plan;
  FlintWriter    *writer;
  FlintWriter    *span_writer; /* where node functions are written, when not ctx->writer;
                                * the emitter then shifts the spans into the final text */
  GPtrArray      *spans;       /* FlintCodeSpan: the emitter adds one per node function */
  const char     *source_name; /* the pipeline file's base name, or NULL */
} FlintEmitContext;

/* Write the whole program into ctx->writer; FALSE with @error for what this language
 * cannot express (a code node of the other language). */
gboolean flint_python_emit (FlintEmitContext  *ctx,
                            GError           **error);
gboolean flint_scala_emit  (FlintEmitContext  *ctx,
                            GError           **error);

/* Records where the function of @node_id starts and ends: call begin before its first
 * line and end after its last. */
void     flint_emit_span_begin (FlintEmitContext *ctx,
                                const char       *node_id);
void     flint_emit_span_end   (FlintEmitContext *ctx);

G_END_DECLS
