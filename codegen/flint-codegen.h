/* flint-codegen.h: PySpark and Scala from a pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-model.h"

G_BEGIN_DECLS

typedef enum
{
  FLINT_LANGUAGE_PYTHON,
  FLINT_LANGUAGE_SCALA,
} FlintLanguage;

#define FLINT_CODEGEN_ERROR (flint_codegen_error_quark ())

typedef enum
{
  FLINT_CODEGEN_ERROR_INVALID,   /* the pipeline has validation errors */
  FLINT_CODEGEN_ERROR_CYCLE,
  FLINT_CODEGEN_ERROR_LANGUAGE,  /* e.g. a Python code node in a Scala job */
} FlintCodegenError;

GQuark               flint_codegen_error_quark        (void);
const char          *flint_language_to_string         (FlintLanguage  language);
gboolean             flint_language_from_string       (const char    *text,
                                                       FlintLanguage *language);

/* The order code is emitted in, and the names it uses: the same for the same pipeline,
 * whatever order its nodes were added in. */
typedef struct
{
  FlintNode *node;
  char      *function;    /* the function (Python) or method (Scala) for the node */
  char      *variable;    /* what build() calls its result: customers_df / customersDf */
  GPtrArray *inputs;      /* FlintEdge into the node, ordered by input port then edge order */
} FlintCodeStep;

typedef struct _FlintCodePlan FlintCodePlan;

/* Fails with FLINT_CODEGEN_ERROR_CYCLE on a cycle. Steps are in dependency order; among
 * the nodes ready at the same time, in order of their ids. */
FlintCodePlan       *flint_code_plan_new              (FlintPipeline  *pipeline,
                                                       FlintLanguage   language,
                                                       GError        **error);
void                 flint_code_plan_free             (FlintCodePlan  *self);
guint                flint_code_plan_get_n_steps      (FlintCodePlan  *self);
const FlintCodeStep *flint_code_plan_get_step         (FlintCodePlan  *self,
                                                       guint           position);
const FlintCodeStep *flint_code_plan_lookup           (FlintCodePlan  *self,
                                                       const char     *node_id);
/* The step that produces what flows along @edge. */
const FlintCodeStep *flint_code_plan_get_source       (FlintCodePlan  *self,
                                                       FlintEdge      *edge);

/* Where a node's function stands in the generated text (1-based, inclusive). */
typedef struct
{
  char  *node_id;
  guint  first_line;
  guint  last_line;
} FlintCodeSpan;

typedef struct _FlintGeneratedCode FlintGeneratedCode;

/* The whole program: a module (Python) or an object (Scala) with one function per node,
 * build(spark) and main(). Refuses pipelines with validation errors (the message lists
 * the first few) unless @allow_invalid, for the designer's live code view. */
FlintGeneratedCode  *flint_codegen_generate           (FlintPipeline  *pipeline,
                                                       FlintLanguage   language,
                                                       gboolean        allow_invalid,
                                                       GError        **error);
/* The same, with the header naming the pipeline file it came from: @source_name is
 * the file's base name (customer-join.flint.yaml), or NULL for none. */
FlintGeneratedCode  *flint_codegen_generate_for_file  (FlintPipeline  *pipeline,
                                                       FlintLanguage   language,
                                                       gboolean        allow_invalid,
                                                       const char     *source_name,
                                                       GError        **error);
void                 flint_generated_code_free        (FlintGeneratedCode *self);
const char          *flint_generated_code_get_text    (FlintGeneratedCode *self);
/* customer_join.py, CustomerJoin.scala */
const char          *flint_generated_code_get_filename (FlintGeneratedCode *self);
/* FlintCodeSpan, in text order. */
GPtrArray           *flint_generated_code_get_spans   (FlintGeneratedCode *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintCodePlan, flint_code_plan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintGeneratedCode, flint_generated_code_free)

G_END_DECLS
