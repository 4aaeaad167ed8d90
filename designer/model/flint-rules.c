/* flint-rules.c: the schema rule and the checks of each node kind
 *
 * A rule computes what flows out of a node from what flows in and from its
 * parameters, the way Spark would: the columns, their types where Spark's rules make
 * them certain, and whether the result is a stream. Unknown stays unknown: a rule
 * never reports a problem it cannot be sure of. Schemas reaching a rule are shared
 * with upstream nodes, so a rule copies before it changes one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "flint-expr.h"
#include "flint-rules.h"

/* In flint-validator.c: flint_rule_context_check_expression() that also hands back
 * the parsed expression (NULL on a syntax error), so a rule parses it once. */
G_GNUC_INTERNAL
FlintDataType *_flint_rule_context_check_expression_full (FlintRuleContext  *ctx,
                                                          const char        *param,
                                                          const char        *text,
                                                          FlintExprScope    *scope,
                                                          FlintExpr        **parsed);

/* Helpers {{{ */

static FlintFlowFlags
source_flags (FlintRuleContext *ctx)
{
  const FlintNodeKind *kind = flint_node_get_kind (flint_rule_context_get_node (ctx));

  if (flint_rule_context_get_mode (ctx) == FLINT_JOB_MODE_STREAMING && (kind->modes & FLINT_MODE_STREAMING))
    return FLINT_FLOW_STREAMING;

  return 0;
}

static JsonArray *
get_array (FlintRuleContext *ctx,
           const char       *name)
{
  JsonNode *value = flint_rule_context_get_param (ctx, name);

  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return NULL;

  return json_node_get_array (value);
}

static guint
array_length (JsonArray *array)
{
  return array ? json_array_get_length (array) : 0;
}

/* A string field of the record at @index of @array, or NULL. */
static const char *
record_string (JsonArray  *array,
               guint       index,
               const char *field)
{
  JsonNode *item = json_array_get_element (array, index);
  JsonNode *value;

  if (!JSON_NODE_HOLDS_OBJECT (item))
    return NULL;

  value = json_object_get_member (json_node_get_object (item), field);
  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (value);
}

static JsonNode *
record_member (JsonArray  *array,
               guint       index,
               const char *field)
{
  JsonNode *item = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (item))
    return NULL;

  return json_object_get_member (json_node_get_object (item), field);
}

static const char *
item_string (JsonArray *array,
             guint      index)
{
  JsonNode *item = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (item);
}

static gboolean
get_boolean (FlintRuleContext *ctx,
             const char       *name,
             gboolean          fallback)
{
  JsonNode *value = flint_rule_context_get_param (ctx, name);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
    return fallback;

  return json_node_get_boolean (value);
}

static gboolean
string_is (const char *value,
           const char *expected)
{
  return value != NULL && g_ascii_strcasecmp (value, expected) == 0;
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  while (*text && g_ascii_isspace (*text))
    text++;
  return *text == '\0';
}

static FlintSchema *
copy_or_null (FlintSchema *schema)
{
  return schema ? flint_schema_copy (schema) : NULL;
}

static FlintSchema *
ref_or_null (FlintSchema *schema)
{
  return schema ? flint_schema_ref (schema) : NULL;
}

static char *
type_name (FlintDataType *type)
{
  return type ? flint_data_type_to_string (type) : g_strdup ("?");
}

static gboolean
param_is_set (FlintRuleContext *ctx,
              const char       *name)
{
  JsonNode *value = flint_node_get_param (flint_rule_context_get_node (ctx), name);

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return !is_blank (json_node_get_string (value));
  if (JSON_NODE_HOLDS_ARRAY (value))
    return json_array_get_length (json_node_get_array (value)) > 0;
  return TRUE;
}

/* Exactly one of two parameters that say the same thing two ways. */
static void
require_one_of (FlintRuleContext *ctx,
                const char       *a,
                const char       *b)
{
  gboolean has_a = param_is_set (ctx, a);
  gboolean has_b = param_is_set (ctx, b);
  g_autofree char *path = g_strconcat ("params.", has_a ? b : a, NULL);

  if (has_a && has_b)
    flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "conflicting-params", path, NULL,
                               _("give either '%s' or '%s', not both"), a, b);
  else if (!has_a && !has_b)
    flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "missing-param", path, NULL,
                               _("give '%s' or '%s'"), a, b);
}

/* }}} */

/* Sources {{{ */

static void
rule_source (FlintRuleContext *ctx)
{
  FlintNode *node = flint_rule_context_get_node (ctx);
  FlintSchema *declared = flint_node_get_schema (node);
  FlintFlowFlags flags = source_flags (ctx);

  /* Spark cannot infer the schema of a file stream: it must be declared. */
  if ((flags & FLINT_FLOW_STREAMING) && declared == NULL &&
      flint_node_get_kind (node)->category == FLINT_NODE_CATEGORY_SOURCE &&
      flint_node_kind_lookup_param (flint_node_get_kind (node), "path") != NULL)
    flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "stream-needs-schema", "schema",
                               _("declare the columns the files hold"),
                               _("a streaming file source needs a declared schema"));

  flint_rule_context_take_output (ctx, NULL, ref_or_null (declared), flags);
}

static FlintSchema *
schema_from_spec (const char *const *spec)
{
  FlintSchema *schema = flint_schema_new ();

  for (guint i = 0; spec[i] != NULL; i += 2)
    {
      g_autoptr(FlintDataType) type = flint_data_type_parse (spec[i + 1], NULL);
      flint_schema_append (schema, spec[i], type, TRUE);
    }

  return schema;
}

static void
rule_source_kafka (FlintRuleContext *ctx)
{
  static const char *const columns[] = {
    "key", "binary", "value", "binary", "topic", "string", "partition", "int",
    "offset", "long", "timestamp", "timestamp", "timestampType", "int", NULL
  };

  /* Kafka's columns are fixed; parsing the value is a transform's job. */
  flint_rule_context_take_output (ctx, NULL, schema_from_spec (columns), source_flags (ctx));
}

static void
rule_source_text (FlintRuleContext *ctx)
{
  static const char *const columns[] = { "value", "string", NULL };

  flint_rule_context_take_output (ctx, NULL, schema_from_spec (columns), source_flags (ctx));
}

static void
rule_source_jdbc (FlintRuleContext *ctx)
{
  gboolean partitioned = param_is_set (ctx, "partition_column");

  require_one_of (ctx, "table", "query");

  /* Spark reads in parallel only with all four, and refuses some of them alone. */
  if (partitioned != param_is_set (ctx, "lower_bound") ||
      partitioned != param_is_set (ctx, "upper_bound") ||
      partitioned != param_is_set (ctx, "num_partitions"))
    flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "incomplete-partitioning", "params.partition_column",
                               _("set the partition column, both bounds and the number of partitions together"),
                               _("partitioned reading needs all four settings"));

  rule_source (ctx);
}

static void
rule_source_rows (FlintRuleContext *ctx)
{
  FlintNode *node = flint_rule_context_get_node (ctx);
  FlintSchema *declared = flint_node_get_schema (node);
  JsonArray *rows = get_array (ctx, "rows");

  require_one_of (ctx, "rows", "count");

  /* Each row is a map of column names to values: names must be declared columns. */
  for (guint i = 0; declared != NULL && i < array_length (rows); i++)
    {
      JsonNode *row = json_array_get_element (rows, i);
      g_autoptr(GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (row))
        continue;

      members = json_object_get_members (json_node_get_object (row));
      for (const GList *l = members; l; l = l->next)
        {
          g_autofree char *path = g_strdup_printf ("params.rows.%u", i);
          flint_rule_context_check_column (ctx, path, l->data, declared);
        }
    }

  /* Or generated: spark.range(count) gives "id", and each column is an expression over it. */
  if (declared == NULL && array_length (get_array (ctx, "columns")) > 0)
    {
      JsonArray *columns = get_array (ctx, "columns");
      g_autoptr(FlintDataType) id_type = flint_data_type_new (FLINT_TYPE_KIND_LONG);
      FlintSchema *generated = flint_schema_new ();

      flint_schema_append (generated, "id", id_type, FALSE);
      for (guint i = 0; i < array_length (columns); i++)
        {
          const char *name = record_string (columns, i, "name");
          const char *expr = record_string (columns, i, "expr");
          g_autofree char *path = g_strdup_printf ("params.columns.%u.expr", i);
          g_autoptr(FlintExprScope) scope = flint_expr_scope_new (generated);
          g_autoptr(FlintDataType) type = NULL;

          if (is_blank (expr) || is_blank (name))
            continue;
          type = flint_rule_context_check_expression (ctx, path, expr, scope);
          flint_schema_set_column (generated, name, type, TRUE);
        }

      flint_rule_context_take_output (ctx, NULL, generated, source_flags (ctx));
      return;
    }

  flint_rule_context_take_output (ctx, NULL, ref_or_null (declared), source_flags (ctx));
}

/* }}} */

/* Transforms {{{ */

static void
rule_select (FlintRuleContext *ctx)
{
  FlintSchema *input = flint_rule_context_get_input_schema (ctx, NULL);
  JsonArray *columns = get_array (ctx, "columns");
  FlintSchema *output;

  if (input == NULL)
    {
      flint_rule_context_take_output (ctx, NULL, NULL, flint_rule_context_input_flags (ctx));
      return;
    }

  output = flint_schema_new ();
  for (guint i = 0; i < array_length (columns); i++)
    {
      const char *name = record_string (columns, i, "column");
      const char *alias = record_string (columns, i, "as");
      const char *cast = record_string (columns, i, "cast");
      const FlintColumn *column;
      g_autoptr(FlintDataType) type = NULL;

      if (name == NULL)
        {
          name = json_array_get_element (columns, i) && JSON_NODE_HOLDS_VALUE (json_array_get_element (columns, i))
               ? item_string (columns, i) : NULL;
          if (name == NULL)
            continue;
        }

      column = flint_schema_lookup (input, name);
      if (!is_blank (cast))
        type = flint_data_type_parse (cast, NULL);
      else if (column != NULL && column->type != NULL)
        type = flint_data_type_ref (column->type);

      flint_schema_append (output, !is_blank (alias) ? alias : (column ? column->name : name), type,
                           column ? column->nullable : TRUE);
    }

  flint_rule_context_take_output (ctx, NULL, output, flint_rule_context_input_flags (ctx));
}

/* Whether @expr is window(...) or session_window(...) over one of @event_time. */
static gboolean
is_window_over (FlintExpr          *expr,
                const char * const *event_time)
{
  GPtrArray *functions = flint_expr_get_functions (expr);
  GPtrArray *refs = flint_expr_get_references (expr);
  gboolean window = FALSE;

  for (guint i = 0; i < functions->len; i++)
    {
      const char *function = g_ptr_array_index (functions, i);
      window |= g_str_equal (function, "window") || g_str_equal (function, "session_window");
    }

  if (!window)
    return FALSE;

  for (guint i = 0; i < refs->len; i++)
    {
      const FlintExprRef *ref = g_ptr_array_index (refs, i);

      for (guint k = 0; event_time[k] != NULL; k++)
        if (ref->parts[1] == NULL && g_ascii_strcasecmp (ref->parts[0], event_time[k]) == 0)
          return TRUE;
    }

  return FALSE;
}

static void
rule_derive (FlintRuleContext *ctx)
{
  FlintSchema *input = flint_rule_context_get_input_schema (ctx, NULL);
  JsonArray *columns = get_array (ctx, "columns");
  g_autoptr(FlintSchema) output = copy_or_null (input);

  FlintFlow *in = flint_rule_context_get_input (ctx, NULL);
  g_autoptr(GStrvBuilder) event_time = g_strv_builder_new ();
  g_auto(GStrv) event_time_columns = NULL;
  gboolean event_time_changed = FALSE;

  if (in != NULL)
    g_strv_builder_addv (event_time, (const char **) flint_flow_get_event_time (in));

  /* Like a chain of withColumn: each expression sees the columns made before it. */
  for (guint i = 0; i < array_length (columns); i++)
    {
      const char *name = record_string (columns, i, "name");
      const char *text = record_string (columns, i, "expr");
      g_autofree char *path = g_strdup_printf ("params.columns.%u.expr", i);
      g_autoptr(FlintExprScope) scope = NULL;
      g_autoptr(FlintDataType) type = NULL;
      g_autoptr(FlintExpr) expr = NULL;

      if (is_blank (text))
        continue;

      scope = flint_expr_scope_new (output);
      type = _flint_rule_context_check_expression_full (ctx, path, text, scope, &expr);

      /* A window over the watermarked column carries the watermark, as Spark's TimeWindow
       * does: grouping by it lets a stream's aggregation be written in append mode. */
      if (expr != NULL && in != NULL && !is_blank (name) && is_window_over (expr, flint_flow_get_event_time (in)))
        {
          g_strv_builder_add (event_time, name);
          event_time_changed = TRUE;
        }

      if (output != NULL && !is_blank (name))
        flint_schema_set_column (output, name, type, TRUE);
    }

  event_time_columns = g_strv_builder_end (event_time);
  if (event_time_changed)
    flint_rule_context_set_event_time (ctx, (const char * const *) event_time_columns);

  flint_rule_context_take_output (ctx, NULL, g_steal_pointer (&output), flint_rule_context_input_flags (ctx));
}

static void
rule_drop (FlintRuleContext *ctx)
{
  FlintSchema *input = flint_rule_context_get_input_schema (ctx, NULL);
  JsonArray *columns = get_array (ctx, "columns");
  g_autoptr(FlintSchema) output = copy_or_null (input);

  for (guint i = 0; output != NULL && i < array_length (columns); i++)
    {
      const char *name = item_string (columns, i);

      if (name != NULL)
        flint_schema_remove (output, name);
    }

  flint_rule_context_take_output (ctx, NULL, g_steal_pointer (&output), flint_rule_context_input_flags (ctx));
}

/* Whether Spark joins values of @a and @b without surprises; sets *warn for the
 * implicit string/number cast that silently drops rows that are not numbers. */
static gboolean
join_types_compatible (FlintDataType *a,
                       FlintDataType *b,
                       gboolean      *warn)
{
  FlintTypeKind ka = flint_data_type_get_kind (a);
  FlintTypeKind kb = flint_data_type_get_kind (b);

  *warn = FALSE;

  if (flint_data_type_is_numeric (a) && flint_data_type_is_numeric (b))
    return TRUE;
  if ((ka == FLINT_TYPE_KIND_STRING && flint_data_type_is_numeric (b)) ||
      (kb == FLINT_TYPE_KIND_STRING && flint_data_type_is_numeric (a)))
    {
      *warn = TRUE;
      return TRUE;
    }
  if ((ka == FLINT_TYPE_KIND_DATE || ka == FLINT_TYPE_KIND_TIMESTAMP || ka == FLINT_TYPE_KIND_TIMESTAMP_NTZ) &&
      (kb == FLINT_TYPE_KIND_DATE || kb == FLINT_TYPE_KIND_TIMESTAMP || kb == FLINT_TYPE_KIND_TIMESTAMP_NTZ))
    return TRUE;
  if (ka == FLINT_TYPE_KIND_NULL || kb == FLINT_TYPE_KIND_NULL)
    return TRUE;

  return flint_data_type_equal (a, b);
}

static void
rule_join (FlintRuleContext *ctx)
{
  FlintFlow *left_flow = flint_rule_context_get_input (ctx, "left");
  FlintFlow *right_flow = flint_rule_context_get_input (ctx, "right");
  FlintSchema *left = flint_rule_context_get_input_schema (ctx, "left");
  FlintSchema *right = flint_rule_context_get_input_schema (ctx, "right");
  const char *how = flint_rule_context_get_string (ctx, "how");
  const char *condition = flint_rule_context_get_string (ctx, "condition");
  JsonArray *keys = get_array (ctx, "keys");
  gboolean cross = string_is (how, "cross");
  gboolean same_names = array_length (keys) > 0;
  g_autoptr(GHashTable) using_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  FlintSchema *output = NULL;

  if (how == NULL)
    how = "inner";

  for (guint i = 0; i < array_length (keys); i++)
    {
      const char *l = record_string (keys, i, "left");
      const char *r = record_string (keys, i, "right");
      g_autofree char *lpath = g_strdup_printf ("params.keys.%u.left", i);
      g_autofree char *rpath = g_strdup_printf ("params.keys.%u.right", i);
      const FlintColumn *lc = NULL, *rc = NULL;

      if (l != NULL)
        lc = flint_rule_context_check_column (ctx, lpath, l, left);
      if (r != NULL)
        rc = flint_rule_context_check_column (ctx, rpath, r, right);

      if (l == NULL || r == NULL || g_ascii_strcasecmp (l, r) != 0)
        same_names = FALSE;
      else
        g_hash_table_add (using_names, g_ascii_strdown (l, -1));

      if (lc != NULL && rc != NULL && lc->type != NULL && rc->type != NULL)
        {
          gboolean warn;
          g_autofree char *lt = type_name (lc->type);
          g_autofree char *rt = type_name (rc->type);

          if (!join_types_compatible (lc->type, rc->type, &warn))
            flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "join-key-types", lpath,
                                       _("cast one side in a select or derive before the join"),
                                       _("join key '%s' (%s) cannot match '%s' (%s)"), l, lt, r, rt);
          else if (warn)
            flint_rule_context_report (ctx, FLINT_SEVERITY_WARNING, "join-key-types", lpath,
                                       _("cast one side so that the types agree"),
                                       _("join key '%s' (%s) is compared with '%s' (%s) through an implicit cast; "
                                         "values that are not numbers never match"), l, lt, r, rt);
        }
    }

  if (!is_blank (condition))
    {
      g_autoptr(FlintExprScope) scope = flint_expr_scope_new (NULL);
      g_autoptr(FlintDataType) type = NULL;
      g_autoptr(FlintSchema) both = NULL;

      /* Unqualified names resolve against both sides together, as Spark resolves them. */
      if (left != NULL && right != NULL)
        {
          both = flint_schema_copy (left);
          for (guint i = 0; i < flint_schema_get_n_columns (right); i++)
            {
              const FlintColumn *c = flint_schema_get_column (right, i);
              flint_schema_append (both, c->name, c->type, c->nullable);
            }
          flint_expr_scope_free (scope);
          scope = flint_expr_scope_new (both);
        }
      flint_expr_scope_add (scope, "left", left);
      flint_expr_scope_add (scope, "right", right);

      type = flint_rule_context_check_expression (ctx, "params.condition", condition, scope);
      if (type != NULL && flint_data_type_get_kind (type) != FLINT_TYPE_KIND_BOOLEAN)
        {
          g_autofree char *name = type_name (type);
          flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "condition-not-boolean", "params.condition",
                                     _("compare the two sides, for example: left.id = right.id"),
                                     _("the join condition is of type %s, not boolean"), name);
        }
    }

  if (cross && (array_length (keys) > 0 || !is_blank (condition)))
    flint_rule_context_report (ctx, FLINT_SEVERITY_WARNING, "cross-join-keys", "params.how",
                               _("choose inner to join on the keys"),
                               _("a cross join ignores its keys and condition"));
  else if (!cross && array_length (keys) == 0 && is_blank (condition))
    flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "missing-param", "params.keys",
                               _("add key pairs, write a condition, or choose a cross join"),
                               _("a %s join needs keys or a condition"), how);

  if (string_is (how, "semi") || string_is (how, "anti") ||
      string_is (how, "left_semi") || string_is (how, "left_anti"))
    output = copy_or_null (left);
  else if (left != NULL && right != NULL)
    {
      gboolean left_nullable = string_is (how, "right") || string_is (how, "full");
      gboolean right_nullable = string_is (how, "left") || string_is (how, "full");

      output = flint_schema_new ();
      /* Keys of the same name on both sides are joined "using" them: one copy is kept. */
      for (guint i = 0; i < flint_schema_get_n_columns (left); i++)
        {
          const FlintColumn *c = flint_schema_get_column (left, i);
          flint_schema_append (output, c->name, c->type, c->nullable || left_nullable);
        }
      for (guint i = 0; i < flint_schema_get_n_columns (right); i++)
        {
          const FlintColumn *c = flint_schema_get_column (right, i);
          g_autofree char *folded = g_ascii_strdown (c->name, -1);

          if (same_names && g_hash_table_contains (using_names, folded))
            continue;
          flint_schema_append (output, c->name, c->type, c->nullable || right_nullable);
        }
    }

  flint_rule_context_take_output (ctx, NULL, output,
                                  (left_flow ? flint_flow_get_flags (left_flow) : 0) |
                                  (right_flow ? flint_flow_get_flags (right_flow) : 0));
}

static void
rule_aggregate (FlintRuleContext *ctx)
{
  FlintSchema *input = flint_rule_context_get_input_schema (ctx, NULL);
  JsonArray *group_by = get_array (ctx, "group_by");
  JsonArray *aggregations = get_array (ctx, "aggregations");
  FlintFlowFlags flags = flint_rule_context_input_flags (ctx);
  g_autoptr(GHashTable) grouped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  FlintSchema *output = input ? flint_schema_new () : NULL;

  for (guint i = 0; i < array_length (group_by); i++)
    {
      const char *name = item_string (group_by, i);
      const FlintColumn *column;

      if (name == NULL)
        continue;
      g_hash_table_add (grouped, g_ascii_strdown (name, -1));
      if (output != NULL && (column = flint_schema_lookup (input, name)) != NULL)
        flint_schema_append (output, column->name, column->type, column->nullable);
    }

  for (guint i = 0; i < array_length (aggregations); i++)
    {
      const char *name = record_string (aggregations, i, "name");
      const char *text = record_string (aggregations, i, "expr");
      g_autofree char *path = g_strdup_printf ("params.aggregations.%u.expr", i);
      g_autoptr(FlintExpr) expr = NULL;
      g_autoptr(FlintExprScope) scope = NULL;
      g_autoptr(FlintDataType) type = NULL;

      if (is_blank (text))
        continue;

      scope = flint_expr_scope_new (input);
      type = _flint_rule_context_check_expression_full (ctx, path, text, scope, &expr);

      /* Spark refuses a column that is neither grouped nor inside an aggregate. */
      if (expr != NULL && !flint_expr_has_aggregate (expr))
        {
          GPtrArray *refs = flint_expr_get_references (expr);

          for (guint r = 0; r < refs->len; r++)
            {
              const FlintExprRef *ref = g_ptr_array_index (refs, r);
              g_autofree char *folded = g_ascii_strdown (ref->parts[0], -1);

              if (!g_hash_table_contains (grouped, folded) && (input == NULL || flint_schema_lookup (input, ref->parts[0])))
                {
                  flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "not-aggregated", path,
                                             _("wrap it in an aggregate such as sum(), max() or first(), or group by it"),
                                             _("'%s' is neither grouped nor aggregated"), ref->parts[0]);
                  break;
                }
            }
        }

      if (output != NULL && !is_blank (name))
        flint_schema_append (output, name, type, TRUE);
    }

  if (flags & FLINT_FLOW_STREAMING)
    {
      FlintFlow *in = flint_rule_context_get_input (ctx, NULL);
      const char * const *event_time = in ? flint_flow_get_event_time (in) : NULL;
      g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
      g_auto(GStrv) grouped_event_time = NULL;

      flags |= FLINT_FLOW_AGGREGATED;

      /* Spark drops old groups only when the watermarked column, or a window over it, is
       * a grouping key; otherwise the state grows forever and append mode is refused. */
      for (guint i = 0; event_time != NULL && event_time[i] != NULL; i++)
        {
          g_autofree char *folded = g_ascii_strdown (event_time[i], -1);

          if (g_hash_table_contains (grouped, folded))
            g_strv_builder_add (kept, event_time[i]);
        }
      grouped_event_time = g_strv_builder_end (kept);

      if (grouped_event_time[0] == NULL)
        flags &= ~FLINT_FLOW_WATERMARKED;
      flint_rule_context_set_event_time (ctx, (const char * const *) grouped_event_time);
    }

  flint_rule_context_take_output (ctx, NULL, output, flags);
}

static gboolean
needs_ordering (FlintExpr *expr)
{
  static const char *ranking[] = {
    "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", NULL
  };
  GPtrArray *functions = flint_expr_get_functions (expr);

  for (guint i = 0; i < functions->len; i++)
    if (g_strv_contains (ranking, g_ptr_array_index (functions, i)))
      return TRUE;

  return FALSE;
}

static void
rule_window (FlintRuleContext *ctx)
{
  FlintSchema *input = flint_rule_context_get_input_schema (ctx, NULL);
  JsonArray *order_by = get_array (ctx, "order_by");
  JsonArray *functions = get_array (ctx, "functions");
  g_autoptr(FlintSchema) output = copy_or_null (input);

  for (guint i = 0; i < array_length (functions); i++)
    {
      const char *name = record_string (functions, i, "name");
      const char *text = record_string (functions, i, "expr");
      g_autofree char *path = g_strdup_printf ("params.functions.%u.expr", i);
      g_autoptr(FlintExprScope) scope = NULL;
      g_autoptr(FlintDataType) type = NULL;
      g_autoptr(FlintExpr) expr = NULL;

      if (is_blank (text))
        continue;

      scope = flint_expr_scope_new (input);
      type = _flint_rule_context_check_expression_full (ctx, path, text, scope, &expr);

      if (array_length (order_by) == 0 && expr != NULL && needs_ordering (expr))
        flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "window-needs-order", path,
                                   _("add a column to order by"),
                                   _("ranking and offset functions need the window to be ordered"));

      if (output != NULL && !is_blank (name))
        flint_schema_set_column (output, name, type, TRUE);
    }

  flint_rule_context_take_output (ctx, NULL, g_steal_pointer (&output), flint_rule_context_input_flags (ctx));
}

/* Replaces a schema shared with an input by a copy, once, before the first change. */
static void
own_copy (FlintSchema **schema,
          gboolean     *copied)
{
  FlintSchema *copy;

  if (*copied)
    return;
  copy = flint_schema_copy (*schema);
  flint_schema_unref (*schema);
  *schema = copy;
  *copied = TRUE;
}

static void
rule_union (FlintRuleContext *ctx)
{
  GPtrArray *inputs = flint_rule_context_get_inputs (ctx, NULL);
  gboolean by_name = get_boolean (ctx, "by_name", TRUE);
  gboolean allow_missing = get_boolean (ctx, "allow_missing_columns", FALSE);
  g_autoptr(FlintSchema) output = NULL;
  gboolean known = TRUE;

  if (inputs->len == 1)
    flint_rule_context_report (ctx, FLINT_SEVERITY_WARNING, "union-single-input", NULL,
                               _("connect a second input, or remove the union"),
                               _("a union of a single input does nothing"));

  for (guint i = 0; i < inputs->len; i++)
    known &= flint_flow_get_schema (g_ptr_array_index (inputs, i)) != NULL;

  if (inputs->len > 0 && known)
    {
      FlintSchema *first = flint_flow_get_schema (g_ptr_array_index (inputs, 0));
      gboolean copied = FALSE;

      /* Shared with the first input until a column differs: most unions pass it through. */
      output = flint_schema_ref (first);

      for (guint i = 1; i < inputs->len; i++)
        {
          FlintSchema *other = flint_flow_get_schema (g_ptr_array_index (inputs, i));
          guint n_first = flint_schema_get_n_columns (output);
          guint n_other = flint_schema_get_n_columns (other);

          if (!by_name && n_first != n_other)
            {
              flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "union-mismatch", NULL,
                                         _("select the same columns on every input, or union by name"),
                                         _("input %u has %u columns, input 1 has %u"), i + 1, n_other, n_first);
              continue;
            }

          for (guint c = 0; c < (by_name ? n_other : MIN (n_first, n_other)); c++)
            {
              const FlintColumn *theirs = flint_schema_get_column (other, c);
              const FlintColumn *ours = by_name ? flint_schema_lookup (output, theirs->name)
                                                : flint_schema_get_column (output, c);
              g_autoptr(FlintDataType) common = NULL;

              if (ours == NULL)
                {
                  if (!allow_missing)
                    flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "union-mismatch", NULL,
                                               _("add the column to every input, or allow missing columns"),
                                               _("column '%s' of input %u is missing from input 1"), theirs->name, i + 1);
                  own_copy (&output, &copied);
                  flint_schema_append (output, theirs->name, theirs->type, TRUE);
                  continue;
                }

              if (ours->type == NULL || theirs->type == NULL)
                continue;

              common = flint_data_type_common (ours->type, theirs->type);
              if (common == NULL)
                {
                  g_autofree char *a = type_name (ours->type);
                  g_autofree char *b = type_name (theirs->type);

                  flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "union-mismatch", NULL,
                                             _("cast the column to one type on every input"),
                                             _("column '%s' is %s in input 1 but %s in input %u"),
                                             ours->name, a, b, i + 1);
                }
              else if (!flint_data_type_equal (common, ours->type) || (!ours->nullable && theirs->nullable))
                {
                  g_autofree char *name = g_strdup (ours->name);

                  own_copy (&output, &copied);
                  flint_schema_set_column (output, name, common, ours->nullable || theirs->nullable);
                }
            }

          if (by_name)
            for (guint c = 0; c < n_first; c++)
              {
                const FlintColumn *ours = flint_schema_get_column (output, c);

                if (flint_schema_lookup (other, ours->name) == NULL && !allow_missing)
                  flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "union-mismatch", NULL,
                                             _("add the column to every input, or allow missing columns"),
                                             _("column '%s' of input 1 is missing from input %u"), ours->name, i + 1);
              }
        }
    }

  flint_rule_context_take_output (ctx, NULL, g_steal_pointer (&output), flint_rule_context_input_flags (ctx));
}

static void
rule_deduplicate (FlintRuleContext *ctx)
{
  FlintFlowFlags flags = flint_rule_context_input_flags (ctx);

  if ((flags & FLINT_FLOW_STREAMING) && !(flags & FLINT_FLOW_WATERMARKED))
    flint_rule_context_report (ctx, FLINT_SEVERITY_WARNING, "unbounded-state", NULL,
                               _("add a watermark upstream so Spark can drop old keys"),
                               _("deduplicating a stream without a watermark keeps every key forever"));

  flint_rule_context_take_output (ctx, NULL, ref_or_null (flint_rule_context_get_input_schema (ctx, NULL)), flags);
}

static void
rule_fill_nulls (FlintRuleContext *ctx)
{
  FlintSchema *input = flint_rule_context_get_input_schema (ctx, NULL);
  JsonNode *values = flint_rule_context_get_param (ctx, "values");

  if (input != NULL && values != NULL && JSON_NODE_HOLDS_OBJECT (values))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (values));

      for (const GList *l = members; l; l = l->next)
        {
          g_autofree char *path = g_strconcat ("params.values.", (const char *) l->data, NULL);
          flint_rule_context_check_column (ctx, path, l->data, input);
        }
    }

  flint_rule_context_take_output (ctx, NULL, ref_or_null (input), flint_rule_context_input_flags (ctx));
}

static void
rule_pivot (FlintRuleContext *ctx)
{
  FlintSchema *input = flint_rule_context_get_input_schema (ctx, NULL);
  JsonArray *group_by = get_array (ctx, "group_by");
  JsonArray *values = get_array (ctx, "values");
  JsonArray *aggregations = get_array (ctx, "aggregations");
  FlintSchema *output = NULL;
  g_autoptr(GPtrArray) types = g_ptr_array_new ();

  for (guint i = 0; i < array_length (aggregations); i++)
    {
      const char *text = record_string (aggregations, i, "expr");
      g_autofree char *path = g_strdup_printf ("params.aggregations.%u.expr", i);
      g_autoptr(FlintExprScope) scope = flint_expr_scope_new (input);
      FlintDataType *type = NULL;

      if (!is_blank (text))
        type = flint_rule_context_check_expression (ctx, path, text, scope);
      g_ptr_array_add (types, type);
    }

  /* Without listed values Spark finds them in the data: the columns are unknown here. */
  if (input != NULL && array_length (values) > 0)
    {
      output = flint_schema_new ();
      for (guint i = 0; i < array_length (group_by); i++)
        {
          const char *name = item_string (group_by, i);
          const FlintColumn *column = name ? flint_schema_lookup (input, name) : NULL;

          if (column != NULL)
            flint_schema_append (output, column->name, column->type, column->nullable);
        }
      for (guint v = 0; v < array_length (values); v++)
        {
          JsonNode *item = json_array_get_element (values, v);
          g_autofree char *value = JSON_NODE_HOLDS_VALUE (item)
                                 ? (json_node_get_value_type (item) == G_TYPE_STRING
                                    ? g_strdup (json_node_get_string (item))
                                    : json_to_string (item, FALSE))
                                 : NULL;

          if (value == NULL)
            continue;
          for (guint a = 0; a < array_length (aggregations); a++)
            {
              const char *name = record_string (aggregations, a, "name");
              g_autofree char *column = array_length (aggregations) == 1 || is_blank (name)
                                      ? g_strdup (value) : g_strdup_printf ("%s_%s", value, name);

              flint_schema_append (output, column, g_ptr_array_index (types, a), TRUE);
            }
        }
    }

  for (guint i = 0; i < types->len; i++)
    if (g_ptr_array_index (types, i) != NULL)
      flint_data_type_unref (g_ptr_array_index (types, i));

  flint_rule_context_take_output (ctx, NULL, output, flint_rule_context_input_flags (ctx));
}

static void
rule_explode (FlintRuleContext *ctx)
{
  FlintSchema *input = flint_rule_context_get_input_schema (ctx, NULL);
  const char *name = flint_rule_context_get_string (ctx, "column");
  const char *alias = flint_rule_context_get_string (ctx, "as");
  gboolean position = get_boolean (ctx, "position", FALSE);
  gboolean outer = get_boolean (ctx, "outer", FALSE);
  const FlintColumn *column = (input && name) ? flint_schema_lookup (input, name) : NULL;
  g_autoptr(FlintSchema) output = copy_or_null (input);

  if (column != NULL && column->type != NULL)
    {
      FlintTypeKind kind = flint_data_type_get_kind (column->type);

      if (kind != FLINT_TYPE_KIND_ARRAY && kind != FLINT_TYPE_KIND_MAP)
        {
          g_autofree char *type = type_name (column->type);
          flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "not-explodable", "params.column",
                                     _("explode takes an array or a map column"),
                                     _("'%s' is %s, not an array or a map"), name, type);
        }
    }

  if (output != NULL)
    {
      FlintTypeKind kind = column && column->type ? flint_data_type_get_kind (column->type) : FLINT_TYPE_KIND_NULL;

      if (position)
        {
          g_autoptr(FlintDataType) pos = flint_data_type_new (FLINT_TYPE_KIND_INT);
          /* The _outer forms give a null position (and key) to rows with nothing to explode. */
          flint_schema_set_column (output, "pos", pos, outer);
        }

      if (kind == FLINT_TYPE_KIND_MAP)
        {
          flint_schema_set_column (output, "key", flint_data_type_get_key (column->type), outer);
          flint_schema_set_column (output, "value", flint_data_type_get_value (column->type), TRUE);
        }
      else
        flint_schema_set_column (output, !is_blank (alias) ? alias : "col",
                                 kind == FLINT_TYPE_KIND_ARRAY ? flint_data_type_get_element (column->type) : NULL,
                                 TRUE);
    }

  flint_rule_context_take_output (ctx, NULL, g_steal_pointer (&output), flint_rule_context_input_flags (ctx));
}

static void
rule_sql (FlintRuleContext *ctx)
{
  FlintPipeline *pipeline = flint_rule_context_get_pipeline (ctx);
  FlintNode *node = flint_rule_context_get_node (ctx);
  const char *query = flint_rule_context_get_string (ctx, "query");
  GPtrArray *edges = flint_pipeline_get_node_inputs (pipeline, node);
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GError) error = NULL;

  if (is_blank (query))
    {
      flint_rule_context_take_output (ctx, NULL, NULL, flint_rule_context_input_flags (ctx));
      return;
    }

  /* Each input is a temporary view named after the node it comes from. */
  if ((tables = flint_sql_get_tables (query, &error)) == NULL)
    flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "syntax-error", "params.query", NULL, "%s", error->message);
  else
    for (guint i = 0; i < tables->len; i++)
      {
        const char *table = g_ptr_array_index (tables, i);
        gboolean found = FALSE;
        g_autoptr(GString) names = g_string_new (NULL);

        if (strchr (table, '.') != NULL)
          continue;  /* a catalog table, read directly */

        for (guint e = 0; e < edges->len; e++)
          {
            const char *from = flint_edge_get_from_node (g_ptr_array_index (edges, e));

            found |= g_ascii_strcasecmp (from, table) == 0;
            if (names->len > 0)
              g_string_append (names, ", ");
            g_string_append (names, from);
          }

        if (!found)
          flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "unknown-table", "params.query",
                                     names->len > 0 ? names->str : _("connect the nodes the query reads"),
                                     _("the query reads '%s', which is not one of its inputs"), table);
      }

  flint_rule_context_take_output (ctx, NULL, NULL, flint_rule_context_input_flags (ctx));
}

static void
rule_quality (FlintRuleContext *ctx)
{
  FlintPipeline *pipeline = flint_rule_context_get_pipeline (ctx);
  FlintNode *node = flint_rule_context_get_node (ctx);
  FlintSchema *input = flint_rule_context_get_input_schema (ctx, NULL);
  JsonArray *expectations = get_array (ctx, "expectations");
  const char *on_failure = flint_rule_context_get_string (ctx, "on_failure");
  FlintFlowFlags flags = flint_rule_context_input_flags (ctx);
  GPtrArray *outs = flint_pipeline_get_node_outputs (pipeline, node);
  g_autoptr(FlintSchema) quarantine = NULL;

  for (guint i = 0; i < array_length (expectations); i++)
    {
      const char *rule = record_string (expectations, i, "rule");
      g_autofree char *path = g_strdup_printf ("params.expectations.%u", i);

      if (string_is (rule, "in_range") && record_member (expectations, i, "min") == NULL &&
          record_member (expectations, i, "max") == NULL)
        flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "missing-param", path,
                                   _("set min, max or both"), _("an in_range expectation needs a bound"));
      else if (string_is (rule, "matches"))
        {
          const char *pattern = record_string (expectations, i, "pattern");
          g_autoptr(GError) error = NULL;
          g_autoptr(GRegex) regex = NULL;

          if (is_blank (pattern))
            flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "missing-param", path, NULL,
                                       _("a matches expectation needs a pattern"));
          else if ((regex = g_regex_new (pattern, 0, 0, &error)) == NULL)
            flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "invalid-pattern", path, NULL,
                                       _("the pattern is not a regular expression: %s"), error->message);
        }
      else if (string_is (rule, "in_set"))
        {
          JsonNode *values = record_member (expectations, i, "values");

          if (values == NULL || !JSON_NODE_HOLDS_ARRAY (values) ||
              json_array_get_length (json_node_get_array (values)) == 0)
            flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "missing-param", path, NULL,
                                       _("an in_set expectation needs values"));
        }
      else if (string_is (rule, "unique") && (flags & FLINT_FLOW_STREAMING))
        flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "not-streamable", path,
                                   _("deduplicate with a watermark instead"),
                                   _("uniqueness cannot be checked on a stream"));
    }

  for (guint i = 0; i < outs->len; i++)
    if (g_str_equal (flint_edge_get_from_port (g_ptr_array_index (outs, i)), "quarantine") &&
        !string_is (on_failure, "quarantine"))
      {
        flint_rule_context_report (ctx, FLINT_SEVERITY_WARNING, "quarantine-unused", "params.on_failure",
                                   _("set on failure to quarantine"),
                                   _("the quarantine output stays empty unless failing rows are quarantined"));
        break;
      }

  if (input != NULL)
    {
      g_autoptr(FlintDataType) element = flint_data_type_new (FLINT_TYPE_KIND_STRING);
      g_autoptr(FlintDataType) failed = flint_data_type_new_array (element);

      quarantine = flint_schema_copy (input);
      flint_schema_set_column (quarantine, "failed_expectations", failed, FALSE);
    }

  flint_rule_context_take_output (ctx, "out", ref_or_null (input), flags);
  flint_rule_context_take_output (ctx, "quarantine", g_steal_pointer (&quarantine), flags);
}

static void
rule_watermark (FlintRuleContext *ctx)
{
  FlintSchema *input = flint_rule_context_get_input_schema (ctx, NULL);
  const char *name = flint_rule_context_get_string (ctx, "column");
  const FlintColumn *column = (input && name) ? flint_schema_lookup (input, name) : NULL;
  FlintFlowFlags flags = flint_rule_context_input_flags (ctx);

  if (column != NULL && column->type != NULL &&
      flint_data_type_get_kind (column->type) != FLINT_TYPE_KIND_TIMESTAMP &&
      flint_data_type_get_kind (column->type) != FLINT_TYPE_KIND_TIMESTAMP_NTZ)
    {
      g_autofree char *type = type_name (column->type);
      flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "watermark-type", "params.column",
                                 _("convert it with to_timestamp() in a derive first"),
                                 _("the event time '%s' is %s, not a timestamp"), name, type);
    }

  if (!(flags & FLINT_FLOW_STREAMING))
    flint_rule_context_report (ctx, FLINT_SEVERITY_WARNING, "watermark-on-batch", NULL, NULL,
                               _("a watermark has no effect on a batch input"));

  if (name != NULL)
    {
      const char *event_time[] = { column ? column->name : name, NULL };
      flint_rule_context_set_event_time (ctx, event_time);
    }

  flint_rule_context_take_output (ctx, NULL, ref_or_null (input), flags | FLINT_FLOW_WATERMARKED);
}

static void
rule_code (FlintRuleContext *ctx)
{
  /* User code may return anything: its columns are unknown until Spark runs it. */
  flint_rule_context_take_output (ctx, NULL, NULL, flint_rule_context_input_flags (ctx));
}

/* }}} */

/* Sinks {{{ */

static void
rule_sink (FlintRuleContext *ctx)
{
  FlintNode *node = flint_rule_context_get_node (ctx);
  const FlintNodeKind *kind = flint_node_get_kind (node);
  FlintFlowFlags flags = flint_rule_context_input_flags (ctx);
  FlintSchema *input = flint_rule_context_get_input_schema (ctx, NULL);
  const char *mode = flint_rule_context_get_string (ctx, "mode");

  if (flags & FLINT_FLOW_STREAMING)
    {
      const char *output_mode = flint_rule_context_get_string (ctx, "output_mode");
      const char *checkpoint = flint_rule_context_get_string (ctx, "checkpoint_location");

      if ((output_mode == NULL || string_is (output_mode, "append")) &&
          (flags & FLINT_FLOW_AGGREGATED) && !(flags & FLINT_FLOW_WATERMARKED))
        flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "append-without-watermark",
                                   flint_node_kind_lookup_param (kind, "output_mode") ? "params.output_mode" : NULL,
                                   _("group by the watermarked column or a window over it, or write in update or complete mode"),
                                   _("a streaming aggregation cannot be written in append mode unless it groups by a watermarked event time"));

      if (g_str_equal (kind->id, "sink.delta") && string_is (output_mode, "update"))
        flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "unsupported-output-mode", "params.output_mode",
                                   _("write in append mode (with a watermark) or complete mode"),
                                   _("a Delta table takes a stream in append or complete mode, not update"));

      if (string_is (output_mode, "complete") && !(flags & FLINT_FLOW_AGGREGATED))
        flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "complete-without-aggregation", "params.output_mode",
                                   _("write in append mode"),
                                   _("complete mode needs a streaming aggregation upstream"));

      if (flint_node_kind_lookup_param (kind, "checkpoint_location") != NULL && is_blank (checkpoint) &&
          !g_str_equal (kind->id, "sink.console"))
        flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "missing-checkpoint", "params.checkpoint_location",
                                   _("for example: s3a://bucket/checkpoints/my-job/"),
                                   _("a streaming sink needs a checkpoint location"));
    }

  if (g_str_equal (kind->id, "sink.delta"))
    require_one_of (ctx, "path", "table");

  /* Merges need keys that the input has. */
  if (string_is (mode, "merge"))
    {
      JsonArray *keys = get_array (ctx, "merge_keys");

      if (array_length (keys) == 0)
        flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "missing-param", "params.merge_keys",
                                   _("name the columns that identify a row"),
                                   _("a merge needs keys"));
    }

  /* Kafka writes a "value" column (and optionally "key"). */
  if (g_str_equal (kind->id, "sink.kafka") && input != NULL)
    {
      const char *value_expr = flint_rule_context_get_string (ctx, "value");

      if (is_blank (value_expr) && flint_schema_lookup (input, "value") == NULL)
        flint_rule_context_report (ctx, FLINT_SEVERITY_ERROR, "kafka-needs-value", NULL,
                                   _("set the value expression, for example: to_json(struct(*))"),
                                   _("Kafka needs a 'value' column"));
    }
}

/* }}} */

typedef struct
{
  const char     *kind_id;
  FlintRuleFunc   func;
  FlintRuleFlags  flags;
} RuleEntry;

static const RuleEntry rules[] = {
  { "source.kafka", rule_source_kafka, FLINT_RULE_DEFAULT },
  { "source.text", rule_source_text, FLINT_RULE_DEFAULT },
  { "source.jdbc", rule_source_jdbc, FLINT_RULE_DEFAULT },
  { "source.rows", rule_source_rows, FLINT_RULE_OWNS_COLUMN_CHECKS },
  { "transform.select", rule_select, FLINT_RULE_DEFAULT },
  { "transform.derive", rule_derive, FLINT_RULE_OWNS_COLUMN_CHECKS },
  { "transform.drop", rule_drop, FLINT_RULE_DEFAULT },
  { "transform.join", rule_join, FLINT_RULE_OWNS_COLUMN_CHECKS },
  { "transform.aggregate", rule_aggregate, FLINT_RULE_OWNS_COLUMN_CHECKS },
  { "transform.window", rule_window, FLINT_RULE_OWNS_COLUMN_CHECKS },
  { "transform.union", rule_union, FLINT_RULE_DEFAULT },
  { "transform.deduplicate", rule_deduplicate, FLINT_RULE_DEFAULT },
  { "transform.fill_nulls", rule_fill_nulls, FLINT_RULE_DEFAULT },
  { "transform.pivot", rule_pivot, FLINT_RULE_OWNS_COLUMN_CHECKS },
  { "transform.explode", rule_explode, FLINT_RULE_DEFAULT },
  { "transform.sql", rule_sql, FLINT_RULE_DEFAULT },
  { "transform.quality", rule_quality, FLINT_RULE_DEFAULT },
  { "transform.watermark", rule_watermark, FLINT_RULE_DEFAULT },
  { "transform.code", rule_code, FLINT_RULE_DEFAULT },
};

FlintRuleFunc
flint_rules_lookup (const char     *kind_id,
                    FlintRuleFlags *flags)
{
  FlintRuleFlags unused;

  if (flags == NULL)
    flags = &unused;
  *flags = FLINT_RULE_DEFAULT;

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    if (g_str_equal (rules[i].kind_id, kind_id))
      {
        *flags = rules[i].flags;
        return rules[i].func;
      }

  if (g_str_has_prefix (kind_id, "source."))
    return rule_source;
  if (g_str_has_prefix (kind_id, "sink."))
    return rule_sink;

  return NULL;
}
