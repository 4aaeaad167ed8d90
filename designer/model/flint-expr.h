/* flint-expr.h: a scanner for Spark SQL expressions
 *
 * It does not parse Spark SQL in full. It tokenizes an expression (quoting,
 * backticks, comments, literals), finds the column references in it (skipping
 * function names, keywords, lambda variables, struct fields after a call and
 * type names in casts) and infers the result type where Spark's rules make it
 * certain; anything else is unknown, never wrong.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-schema.h"

G_BEGIN_DECLS

typedef struct
{
  char  **parts;   /* `a`.b.`c d` gives {"a", "b", "c d"}, unquoted */
  guint   offset;  /* byte offset of the reference in the text */
  guint   length;  /* bytes, as written */
} FlintExprRef;

typedef struct _FlintExpr FlintExpr;

/* Scopes an expression resolves against: the unqualified schema, and schemas
 * reached through a qualifier ("left.id", "orders.amount"). A NULL schema is unknown:
 * references into it are accepted and typed unknown. */
typedef struct _FlintExprScope FlintExprScope;

typedef enum
{
  FLINT_EXPR_ERROR_SYNTAX,        /* unterminated string, unbalanced parentheses, ... */
  FLINT_EXPR_ERROR_EMPTY,
} FlintExprError;

#define FLINT_EXPR_ERROR (flint_expr_error_quark ())
GQuark               flint_expr_error_quark     (void);

FlintExpr           *flint_expr_parse           (const char           *text,
                                                 GError              **error);
void                 flint_expr_free            (FlintExpr            *self);
const char          *flint_expr_get_text        (FlintExpr            *self);
/* FlintExprRef in the order they appear. */
GPtrArray           *flint_expr_get_references  (FlintExpr            *self);
/* Whether the expression contains an aggregate function (sum, count, ...) outside
 * a window (OVER) clause. */
gboolean             flint_expr_has_aggregate   (FlintExpr            *self);
/* The names of the functions the expression calls, lower case, in order. */
GPtrArray           *flint_expr_get_functions   (FlintExpr            *self);

FlintExprScope      *flint_expr_scope_new       (FlintSchema          *schema);
void                 flint_expr_scope_add       (FlintExprScope       *self,
                                                 const char           *qualifier,
                                                 FlintSchema          *schema);
void                 flint_expr_scope_free      (FlintExprScope       *self);

/* A reference that does not resolve in @scope: the ref, and what is missing.
 * @missing is the part that is not found (the column, or a struct field), and
 * @candidates the names that exist at that level (for "did you mean"). */
typedef void       (*FlintExprMissingFunc)      (const FlintExprRef   *ref,
                                                 const char           *missing,
                                                 FlintSchema          *candidates,
                                                 gpointer              user_data);
/* Calls @func for each unresolved reference; returns how many there were. */
guint                flint_expr_check           (FlintExpr            *self,
                                                 FlintExprScope       *scope,
                                                 FlintExprMissingFunc  func,
                                                 gpointer              user_data);
/* The result type, or NULL when Spark's rules do not make it certain here. */
FlintDataType       *flint_expr_infer_type      (FlintExpr            *self,
                                                 FlintExprScope       *scope);

/* The table names a whole query reads (after FROM and JOIN, outside CTE names). */
GPtrArray           *flint_sql_get_tables       (const char           *query,
                                                 GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintExpr, flint_expr_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintExprScope, flint_expr_scope_free)

G_END_DECLS
