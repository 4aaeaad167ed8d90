/* flint-rules.h: what each node kind does to its columns, and what it checks
 *
 * The validator checks what the catalog describes (required parameters, types,
 * enums, ranges, unconnected inputs) for every kind; the rule of a kind computes
 * its output flows from its input flows and parameters and reports what only that
 * kind knows (a join's key types, an aggregate on a stream without a watermark).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-diagnostic.h"
#include "flint-expr.h"
#include "flint-pipeline.h"
#include "flint-validator.h"

G_BEGIN_DECLS

typedef struct _FlintRuleContext FlintRuleContext;

typedef void (*FlintRuleFunc) (FlintRuleContext *ctx);

typedef enum
{
  FLINT_RULE_DEFAULT             = 0,
  /* The rule resolves the kind's column and expression parameters itself (scopes
   * other than "the columns of the port"), so the generic pass only checks types. */
  FLINT_RULE_OWNS_COLUMN_CHECKS  = 1 << 0,
} FlintRuleFlags;

/* The rule of a built-in kind; NULL (and FLINT_RULE_DEFAULT) for a kind without one:
 * a source then emits its declared schema, a transform passes its first input through. */
FlintRuleFunc        flint_rules_lookup                  (const char       *kind_id,
                                                          FlintRuleFlags   *flags);

FlintPipeline       *flint_rule_context_get_pipeline     (FlintRuleContext *ctx);
FlintNode           *flint_rule_context_get_node         (FlintRuleContext *ctx);
FlintJobMode         flint_rule_context_get_mode         (FlintRuleContext *ctx);
/* The flows into @port (NULL: the first input), one per edge, in edge order;
 * borrowed, never NULL. A flow from a node in a cycle is unknown. */
GPtrArray           *flint_rule_context_get_inputs       (FlintRuleContext *ctx,
                                                          const char       *port);
/* The flow into @port through its first edge, or NULL when unconnected. */
FlintFlow           *flint_rule_context_get_input        (FlintRuleContext *ctx,
                                                          const char       *port);
/* The columns into @port, or NULL when unconnected or unknown. */
FlintSchema         *flint_rule_context_get_input_schema (FlintRuleContext *ctx,
                                                          const char       *port);
/* The union of the flags of every input flow (streaming, watermarked, aggregated). */
FlintFlowFlags       flint_rule_context_input_flags      (FlintRuleContext *ctx);

/* Sets the flow out of @port (NULL: every output port); takes @schema (may be NULL).
 * A port a rule leaves unset carries an unknown schema and the inputs' flags. */
void                 flint_rule_context_take_output      (FlintRuleContext *ctx,
                                                          const char       *port,
                                                          FlintSchema      *schema,
                                                          FlintFlowFlags    flags);

/* The event-time columns of the outputs set after this call (NULL-terminated; copied).
 * Unset, outputs carry those of the first watermarked input. */
void                 flint_rule_context_set_event_time   (FlintRuleContext   *ctx,
                                                          const char * const *columns);

void                 flint_rule_context_report           (FlintRuleContext *ctx,
                                                          FlintSeverity     severity,
                                                          const char       *code,
                                                          const char       *param,
                                                          const char       *hint,
                                                          const char       *format,
                                                          ...) G_GNUC_PRINTF (6, 7);

/* Checks the expression at @param (a path such as "params.condition") against @scope:
 * reports a syntax error or each unknown column with the nearest names as a hint, and
 * returns the inferred type (NULL: unknown or broken). */
FlintDataType       *flint_rule_context_check_expression (FlintRuleContext *ctx,
                                                          const char       *param,
                                                          const char       *text,
                                                          FlintExprScope   *scope);
/* Checks that @name is a column of @schema (nothing when @schema is unknown); reports
 * it with the nearest names otherwise. Returns the column, or NULL. */
const FlintColumn   *flint_rule_context_check_column     (FlintRuleContext *ctx,
                                                          const char       *param,
                                                          const char       *name,
                                                          FlintSchema      *schema);

/* The parameter (set or default) of the node being validated. */
JsonNode            *flint_rule_context_get_param        (FlintRuleContext *ctx,
                                                          const char       *name);
const char          *flint_rule_context_get_string       (FlintRuleContext *ctx,
                                                          const char       *name);

G_END_DECLS
