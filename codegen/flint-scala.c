/* flint-scala.c: Scala 2.13 (Spark 4) from a pipeline
 *
 * One object named after the pipeline: one method per node in plan order, build(spark)
 * wiring them and returning each sink's result by node id, and main() building the
 * session from the job settings. The text is laid out the way scalafmt leaves it (2-space
 * indent, 100 columns, chained calls one per line with a leading dot), and it is generated
 * twice: once to learn which imports it uses, once for real, so that only those are
 * imported. User text only ever reaches the program as escaped string literals, SQL
 * expressions as F.expr(...), and code nodes between comment lines naming the node.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-codegen"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "flint-emit-private.h"

#define MAX_COLUMNS 100

typedef enum
{
  USE_FUNCTIONS      = 1 << 0,
  USE_WINDOW         = 1 << 1,
  USE_STREAMING      = 1 << 2,
  USE_TRIGGER        = 1 << 3,
  USE_ROW            = 1 << 4,
  USE_STRUCT_TYPE    = 1 << 5,
  USE_STORAGE_LEVEL  = 1 << 6,
  USE_SECRET         = 1 << 7,
  USE_DATABRICKS_SECRET = 1 << 8,
} Uses;

typedef struct
{
  FlintEmitContext *ctx;
  FlintWriter      *w;
  Uses              uses;
  GPtrArray        *pool;    /* strings freed when generation ends */
  GHashTable       *names;   /* every name the object defines at its top level or in build */
  gboolean          first_member;  /* no blank line after the object's brace */
} Scala;

/* Helpers {{{ */

/* Keeps @text alive until generation ends, so that helpers can return it borrowed. */
static const char *
keep (Scala *s,
      char  *text)
{
  g_ptr_array_add (s->pool, text);
  return text;
}

static const char *
fmt (Scala      *s,
     const char *format,
     ...) G_GNUC_PRINTF (2, 3);

static const char *
fmt (Scala      *s,
     const char *format,
     ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  return keep (s, text);
}

/* A Scala string literal of @text. */
static const char *
lit (Scala      *s,
     const char *text)
{
  return keep (s, flint_writer_scala_string_literal (text ? text : ""));
}

/* F.col("name"), quoted for Spark when the name needs it. */
static const char *
col (Scala      *s,
     const char *name)
{
  g_autofree char *quoted = flint_writer_sql_identifier (name);

  s->uses |= USE_FUNCTIONS;
  return fmt (s, "F.col(%s)", lit (s, quoted));
}

static const char *
expr (Scala      *s,
      const char *text)
{
  s->uses |= USE_FUNCTIONS;
  return fmt (s, "F.expr(%s)", lit (s, text));
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

static JsonNode *
param (FlintNode  *node,
       const char *name)
{
  JsonNode *value = flint_node_get_param (node, name);

  return value == NULL || JSON_NODE_HOLDS_NULL (value) ? NULL : value;
}

static const char *
param_string (FlintNode  *node,
              const char *name)
{
  JsonNode *value = flint_node_get_param_or_default (node, name);

  if (value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING &&
      !is_blank (json_node_get_string (value)))
    return json_node_get_string (value);

  return NULL;
}

static gboolean
param_boolean (FlintNode  *node,
               const char *name)
{
  JsonNode *value = flint_node_get_param_or_default (node, name);

  return value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
         json_node_get_value_type (value) == G_TYPE_BOOLEAN && json_node_get_boolean (value);
}

static gboolean
param_integer (FlintNode  *node,
               const char *name,
               gint64     *out)
{
  JsonNode *value = flint_node_get_param_or_default (node, name);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return FALSE;
  if (json_node_get_value_type (value) == G_TYPE_INT64)
    *out = json_node_get_int (value);
  else if (json_node_get_value_type (value) == G_TYPE_DOUBLE)
    *out = (gint64) json_node_get_double (value);
  else
    return FALSE;

  return TRUE;
}

static JsonArray *
param_array (FlintNode  *node,
             const char *name)
{
  JsonNode *value = flint_node_get_param_or_default (node, name);

  return value != NULL && JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;
}

static guint
array_length (JsonArray *array)
{
  return array ? json_array_get_length (array) : 0;
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
record_string (JsonArray  *array,
               guint       index,
               const char *field)
{
  JsonNode *value = record_member (array, index, field);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (value);
}

/* A JSON scalar as the text Spark options take: strings as they are, numbers and booleans
 * as JSON writes them. */
static char *
scalar_text (JsonNode *value)
{
  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return NULL;

  switch (json_node_get_value_type (value))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (value));
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (value) ? "true" : "false");
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
    default:
      return json_to_string (value, FALSE);
    }
}

/* A JSON scalar as a Scala value: a string literal, true/false, 12L or 0.5. */
static const char *
scalar_value (Scala    *s,
              JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return "null";

  if (JSON_NODE_HOLDS_VALUE (value))
    switch (json_node_get_value_type (value))
      {
      case G_TYPE_STRING:
        return lit (s, json_node_get_string (value));
      case G_TYPE_BOOLEAN:
        return json_node_get_boolean (value) ? "true" : "false";
      case G_TYPE_INT64:
        return fmt (s, "%" G_GINT64_FORMAT "L", json_node_get_int (value));
      case G_TYPE_DOUBLE:
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];
          const char *text = g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (value));

          return strpbrk (text, ".eEn") ? fmt (s, "%s", text) : fmt (s, "%s.0", text);
        }
      default:
        break;
      }

  return lit (s, keep (s, json_to_string (value, FALSE)));
}

/* Columns of the text, as a terminal shows them. */
static gsize
width (const char *text)
{
  return g_utf8_strlen (text, -1);
}

static gboolean
fits (Scala      *s,
      const char *text)
{
  return flint_writer_get_level (s->w) * 2 + width (text) <= MAX_COLUMNS;
}

/* PREFIX(ARG, ARG)SUFFIX on one line when it fits, else one argument per line. */
static void
emit_call (Scala       *s,
           const char  *prefix,
           GPtrArray   *args,
           const char  *suffix)
{
  g_autoptr(GString) line = g_string_new (prefix);

  g_string_append_c (line, '(');
  for (guint i = 0; i < args->len; i++)
    {
      if (i > 0)
        g_string_append (line, ", ");
      g_string_append (line, g_ptr_array_index (args, i));
    }
  g_string_append_c (line, ')');
  g_string_append (line, suffix);

  if (fits (s, line->str) || args->len == 0)
    {
      flint_writer_line (s->w, line->str);
      return;
    }

  flint_writer_linef (s->w, "%s(", prefix);
  flint_writer_indent (s->w);
  for (guint i = 0; i < args->len; i++)
    flint_writer_linef (s->w, "%s%s", (const char *) g_ptr_array_index (args, i),
                        i + 1 < args->len ? "," : "");
  flint_writer_dedent (s->w);
  flint_writer_linef (s->w, ")%s", suffix);
}

static void
emit_call1 (Scala      *s,
            const char *prefix,
            const char *arg,
            const char *suffix)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, (gpointer) arg);
  emit_call (s, prefix, args, suffix);
}

/* A method chain: HEAD then .CALL(ARGS) for each call; ARGS NULL means no parentheses. */
typedef struct
{
  char      *name;
  GPtrArray *args;
} Call;

typedef struct
{
  char      *head;
  GPtrArray *calls;
} Chain;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_free (call->name);
  g_clear_pointer (&call->args, g_ptr_array_unref);
  g_free (call);
}

static Chain *
chain_new (const char *head)
{
  Chain *chain = g_new0 (Chain, 1);

  chain->head = g_strdup (head);
  chain->calls = g_ptr_array_new_with_free_func (call_free);
  return chain;
}

static void
chain_free (Chain *chain)
{
  g_free (chain->head);
  g_ptr_array_unref (chain->calls);
  g_free (chain);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Chain, chain_free)

/* Adds .NAME(ARG, ...) with the arguments up to NULL; borrowed strings. */
static void
chain_call (Chain      *chain,
            const char *name,
            ...) G_GNUC_NULL_TERMINATED;

static void
chain_call (Chain      *chain,
            const char *name,
            ...)
{
  Call *call = g_new0 (Call, 1);
  const char *arg;
  va_list args;

  call->name = g_strdup (name);
  call->args = g_ptr_array_new_with_free_func (g_free);

  va_start (args, name);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (call->args, g_strdup (arg));
  va_end (args);

  g_ptr_array_add (chain->calls, call);
}

/* Adds .NAME(ARGS) taking the arguments from an array of strings. */
static void
chain_call_array (Chain      *chain,
                  const char *name,
                  GPtrArray  *list)
{
  Call *call = g_new0 (Call, 1);

  call->name = g_strdup (name);
  call->args = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (call->args, g_strdup (g_ptr_array_index (list, i)));
  g_ptr_array_add (chain->calls, call);
}

/* Adds .NAME without parentheses (a property such as .write or .na). */
static void
chain_member (Chain      *chain,
              const char *name)
{
  Call *call = g_new0 (Call, 1);

  call->name = g_strdup (name);
  g_ptr_array_add (chain->calls, call);
}

static void
append_call (GString *out,
             Call    *call)
{
  g_string_append_printf (out, ".%s", call->name);
  if (call->args == NULL)
    return;
  g_string_append_c (out, '(');
  for (guint i = 0; i < call->args->len; i++)
    g_string_append_printf (out, "%s%s", i ? ", " : "", (const char *) g_ptr_array_index (call->args, i));
  g_string_append_c (out, ')');
}

/* Writes PREFIX HEAD.CALL... with SUFFIX: on one line when it has a single call and fits,
 * else the head then one call per line. Member accesses (.write, .na) stay on the head. */
static void
emit_chain (Scala      *s,
            const char *prefix,
            Chain      *chain,
            const char *suffix)
{
  g_autoptr(GString) head = g_string_new (prefix);
  g_autoptr(GString) whole = NULL;
  guint first = 0;
  guint n_calls;

  g_string_append (head, chain->head);
  while (first < chain->calls->len && ((Call *) g_ptr_array_index (chain->calls, first))->args == NULL)
    append_call (head, g_ptr_array_index (chain->calls, first++));

  n_calls = chain->calls->len - first;
  whole = g_string_new (head->str);
  for (guint i = first; i < chain->calls->len; i++)
    append_call (whole, g_ptr_array_index (chain->calls, i));
  g_string_append (whole, suffix);

  if (n_calls == 0 || (n_calls == 1 && fits (s, whole->str)))
    {
      flint_writer_line (s->w, whole->str);
      return;
    }

  flint_writer_line (s->w, head->str);
  flint_writer_indent (s->w);
  for (guint i = first; i < chain->calls->len; i++)
    {
      Call *call = g_ptr_array_index (chain->calls, i);
      g_autofree char *prefix_text = g_strconcat (".", call->name, NULL);
      const char *end = i + 1 == chain->calls->len ? suffix : "";

      if (call->args == NULL)
        flint_writer_linef (s->w, "%s%s", prefix_text, end);
      else
        emit_call (s, prefix_text, call->args, end);
    }
  flint_writer_dedent (s->w);
}

static GPtrArray *
strings_new (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

static void
strings_add (GPtrArray  *array,
             const char *text)
{
  g_ptr_array_add (array, g_strdup (text));
}

static char *
join (GPtrArray  *array,
      const char *separator)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < array->len; i++)
    g_string_append_printf (out, "%s%s", i ? separator : "", (const char *) g_ptr_array_index (array, i));

  return g_string_free (out, FALSE);
}

/* The DDL of a declared schema, as StructType.fromDDL and DataFrameReader.schema read it. */
static char *
schema_ddl (FlintSchema *schema)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < flint_schema_get_n_columns (schema); i++)
    {
      const FlintColumn *c = flint_schema_get_column (schema, i);
      g_autofree char *name = flint_writer_sql_quote_identifier (c->name);
      g_autofree char *type = c->type ? flint_data_type_to_string (c->type) : g_strdup ("string");

      g_string_append_printf (out, "%s%s %s", i ? ", " : "", name, type);
    }

  return g_string_free (out, FALSE);
}

/* A table name for SQL text: each dotted part quoted where it needs it. */
static char *
sql_table_name (const char *table)
{
  g_auto(GStrv) parts = g_strsplit (table, ".", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; parts[i]; i++)
    {
      g_autofree char *part = flint_writer_sql_identifier (parts[i]);
      g_string_append_printf (out, "%s%s", i ? "." : "", part);
    }

  return g_string_free (out, FALSE);
}

static FlintSchema *
input_schema (Scala      *s,
              FlintNode  *node,
              const char *port)
{
  FlintFlow *flow = flint_validator_get_input (s->ctx->validator, flint_node_get_id (node), port);

  return flow ? flint_flow_get_schema (flow) : NULL;
}

static gboolean
output_is_streaming (Scala     *s,
                     FlintNode *node)
{
  FlintFlow *flow = flint_validator_get_output (s->ctx->validator, flint_node_get_id (node), NULL);

  return flow != NULL && flint_flow_is_streaming (flow);
}

static gboolean
input_is_streaming (Scala     *s,
                    FlintNode *node)
{
  FlintFlow *flow = flint_validator_get_input (s->ctx->validator, flint_node_get_id (node), NULL);

  return flow != NULL && flint_flow_is_streaming (flow);
}

/* The environment variable a secret reference is read from where it has no run-time API
 * of its own, as the PySpark emitter names it: FLINT_SECRET_ and the reference's name in
 * upper case, every other character an underscore (k8s:db-creds/password ->
 * FLINT_SECRET_DB_CREDS_PASSWORD). */
static char *
secret_env_name (const char *name)
{
  GString *out = g_string_new ("FLINT_SECRET_");

  for (const char *p = name; *p; p++)
    g_string_append_c (out, g_ascii_isalnum (*p) ? g_ascii_toupper (*p) : '_');

  return g_string_free (out, FALSE);
}

/* Code that reads the secret @reference refers to when the job runs:
 *   env:NAME               the environment variable NAME
 *   {{secrets/scope/key}}  dbutils.secrets.get(scope, key) on Databricks, else
 *                          FLINT_SECRET_SCOPE_KEY from the environment
 *   k8s:secret/key         FLINT_SECRET_SECRET_KEY (the SparkApplication maps it)
 *   keyring:name           FLINT_SECRET_NAME (the local target fills it in) */
static const char *
secret_expression (Scala      *s,
                   const char *reference)
{
  s->uses |= USE_SECRET;

  if (g_str_has_prefix (reference, "env:"))
    return fmt (s, "secret(%s)", lit (s, reference + 4));

  if (g_str_has_prefix (reference, "{{secrets/") && g_str_has_suffix (reference, "}}"))
    {
      g_autofree char *inner = g_strndup (reference + 10, strlen (reference) - 12);
      g_autofree char *env = secret_env_name (inner);
      char *slash = strchr (inner, '/');

      if (slash != NULL)
        *slash++ = '\0';
      s->uses |= USE_DATABRICKS_SECRET;
      return fmt (s, "databricksSecret(%s, %s, %s)", lit (s, inner), lit (s, slash ? slash : ""), lit (s, env));
    }

  {
    const char *name = strchr (reference, ':') ? strchr (reference, ':') + 1 : reference;
    g_autofree char *env = secret_env_name (name);

    return fmt (s, "secret(%s)", lit (s, env));
  }
}

static gboolean
is_streaming_only (const char *name)
{
  static const char *names[] = {
    "checkpoint_location", "output_mode", "trigger", "trigger_interval", "query_name",
    "max_files_per_trigger", "max_offsets_per_trigger", "skip_change_commits", NULL
  };

  return g_strv_contains (names, name);
}

/* .option(...) for every parameter set on the node that Spark takes as an option, in
 * catalog order, then the extra options map. */
static void
add_options (Scala     *s,
             Chain     *chain,
             FlintNode *node,
             gboolean   streaming)
{
  const FlintNodeKind *kind = flint_node_get_kind (node);
  JsonNode *extra;

  for (guint i = 0; i < kind->params->len; i++)
    {
      const FlintParamSpec *spec = g_ptr_array_index (kind->params, i);
      const char *option = flint_param_spec_get_option (spec);
      JsonNode *value = param (node, spec->name);

      if (option == NULL || value == NULL)
        continue;
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING &&
          spec->type != FLINT_PARAM_STRING && is_blank (json_node_get_string (value)))
        continue;
      if (!streaming && is_streaming_only (spec->name))
        continue;

      if (spec->type == FLINT_PARAM_SECRET && JSON_NODE_HOLDS_VALUE (value) &&
          json_node_get_value_type (value) == G_TYPE_STRING)
        {
          chain_call (chain, "option", lit (s, option), secret_expression (s, json_node_get_string (value)), NULL);
          continue;
        }

      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN)
        chain_call (chain, "option", lit (s, option), json_node_get_boolean (value) ? "true" : "false", NULL);
      else if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64)
        chain_call (chain, "option", lit (s, option), fmt (s, "%" G_GINT64_FORMAT "L", json_node_get_int (value)), NULL);
      else
        {
          g_autofree char *text = scalar_text (value);

          if (text != NULL)
            chain_call (chain, "option", lit (s, option), lit (s, text), NULL);
        }
    }

  extra = param (node, "options");
  if (extra != NULL && JSON_NODE_HOLDS_OBJECT (extra))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (extra));

      for (const GList *l = members; l; l = l->next)
        {
          g_autofree char *text = scalar_text (json_object_get_member (json_node_get_object (extra), l->data));

          if (text != NULL)
            chain_call (chain, "option", lit (s, l->data), lit (s, text), NULL);
        }
    }
}

/* F.col(name).asc / .desc_nulls_last ... for an order_by list. */
static GPtrArray *
order_columns (Scala     *s,
               JsonArray *order_by)
{
  GPtrArray *out = strings_new ();

  for (guint i = 0; i < array_length (order_by); i++)
    {
      const char *name = record_string (order_by, i, "column");
      const char *direction = record_string (order_by, i, "direction");
      const char *nulls = record_string (order_by, i, "nulls");
      gboolean desc = direction != NULL && g_ascii_strcasecmp (direction, "desc") == 0;

      if (name == NULL)
        name = item_string (order_by, i);
      if (name == NULL)
        continue;

      if (nulls != NULL && (g_ascii_strcasecmp (nulls, "first") == 0 || g_ascii_strcasecmp (nulls, "last") == 0))
        g_ptr_array_add (out, g_strdup_printf ("%s.%s_nulls_%s", col (s, name), desc ? "desc" : "asc",
                                               g_ascii_strcasecmp (nulls, "first") == 0 ? "first" : "last"));
      else
        g_ptr_array_add (out, g_strdup_printf ("%s.%s", col (s, name), desc ? "desc" : "asc"));
    }

  return out;
}

static GPtrArray *
column_list (Scala     *s,
             JsonArray *names)
{
  GPtrArray *out = strings_new ();

  for (guint i = 0; i < array_length (names); i++)
    if (item_string (names, i) != NULL)
      strings_add (out, col (s, item_string (names, i)));

  return out;
}

/* String literals of the names, for APIs that take names as they are (drop, partitionBy). */
static GPtrArray *
name_list (Scala     *s,
           JsonArray *names)
{
  GPtrArray *out = strings_new ();

  for (guint i = 0; i < array_length (names); i++)
    if (item_string (names, i) != NULL)
      strings_add (out, lit (s, item_string (names, i)));

  return out;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static const char *
seq_of (Scala     *s,
        GPtrArray *items)
{
  g_autofree char *joined = join (items, ", ");

  return fmt (s, "Seq(%s)", joined);
}

/* }}} */

/* The method of one node {{{ */

/* Names the object defines or imports, and the locals methods use: no argument may be
 * one of them. */
static const char *reserved_names[] = {
  "spark", "F", "Window", "DataFrame", "Row", "SparkSession", "StorageLevel", "StructType",
  "StreamingQuery", "Trigger", "build", "main", "secret", "databricksSecret", "window", "schema",
  "rows", "records", "checked", "failed", "failures", "counts", "out", "quarantine", "body",
  "merge", "batch", "batchId", "joined", "results", NULL
};

/* An argument name for what flows from @node_id (and its @port when not the first), the
 * way the PySpark emitter makes it. */
static char *
argument_name (const char *node_id,
               const char *port,
               gboolean    avoid_reserved)
{
  GString *name = g_string_new (NULL);

  for (const char *p = node_id; *p; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) ? *p : '_');
  if (port != NULL)
    {
      g_string_append_c (name, '_');
      for (const char *p = port; *p; p++)
        g_string_append_c (name, g_ascii_isalnum (*p) ? *p : '_');
    }
  if (name->len == 0 || g_ascii_isdigit (name->str[0]))
    g_string_prepend_c (name, '_');
  if (flint_writer_is_scala_keyword (name->str) || (avoid_reserved && g_strv_contains (reserved_names, name->str)))
    g_string_append (name, "_df");

  return g_string_free (name, FALSE);
}

static gboolean
port_is_first_output (FlintNode  *node,
                      const char *port)
{
  GPtrArray *outputs = flint_node_get_kind (node)->outputs;

  return port == NULL || outputs->len == 0 ||
         g_str_equal (((FlintPortSpec *) g_ptr_array_index (outputs, 0))->name, port);
}

typedef struct
{
  const FlintCodeStep *step;
  FlintNode           *node;
  const char          *id;
  GPtrArray           *params;     /* "name: Type" of the method */
  GPtrArray           *inputs;     /* the parameter names of the input DataFrames, by edge */
  const char          *result;     /* the method's result type */
  gboolean             needs_spark;
} Method;

static const char *
input_name (Method *m,
            guint   i)
{
  return i < m->inputs->len ? g_ptr_array_index (m->inputs, i) : "input";
}

/* The input on a named port (join: left, right), or NULL. */
static const char *
port_input (Method     *m,
            const char *port)
{
  for (guint i = 0; i < m->step->inputs->len; i++)
    if (g_str_equal (flint_edge_get_to_port (g_ptr_array_index (m->step->inputs, i)), port))
      return g_ptr_array_index (m->inputs, i);

  return NULL;
}

static void
emit_file_source (Scala      *s,
                  Method     *m,
                  const char *format)
{
  FlintNode *node = m->node;
  gboolean streaming = output_is_streaming (s, node);
  FlintSchema *declared = flint_node_get_schema (node);
  g_autoptr(Chain) chain = chain_new (streaming ? "spark.readStream" : "spark.read");
  const char *path = param_string (node, "path");

  chain_call (chain, "format", lit (s, format), NULL);
  /* Delta tables and text files have their own schema: Spark refuses a declared one. */
  if (declared != NULL && flint_schema_get_n_columns (declared) > 0 && !g_str_equal (format, "text") &&
      !g_str_equal (format, "delta"))
    {
      g_autofree char *ddl = schema_ddl (declared);
      chain_call (chain, "schema", lit (s, ddl), NULL);
    }
  add_options (s, chain, node, streaming);
  chain_call (chain, "load", lit (s, path), NULL);
  emit_chain (s, "", chain, "");
}

static void
emit_table_source (Scala  *s,
                   Method *m)
{
  gboolean streaming = output_is_streaming (s, m->node);
  g_autoptr(Chain) chain = chain_new (streaming ? "spark.readStream" : "spark.read");

  add_options (s, chain, m->node, streaming);
  chain_call (chain, "table", lit (s, param_string (m->node, "table")), NULL);
  emit_chain (s, "", chain, "");
}

static void
emit_format_source (Scala      *s,
                    Method     *m,
                    const char *format)
{
  gboolean streaming = output_is_streaming (s, m->node);
  g_autoptr(Chain) chain = chain_new (streaming ? "spark.readStream" : "spark.read");

  chain_call (chain, "format", lit (s, format), NULL);
  add_options (s, chain, m->node, streaming);
  chain_call (chain, "load", NULL);
  emit_chain (s, "", chain, "");
}

/* How a declared column's values are written into a Row: typed literals for the types
 * JSON holds exactly, text cast by Spark for the others, JSON parsed for nested types. */
typedef enum
{
  ROW_DIRECT,
  ROW_CAST,
  ROW_FROM_JSON,
} RowWay;

/* The value of a column in a row, its name matched as Spark matches names. */
static JsonNode *
row_member (JsonObject *row,
            const char *name)
{
  g_autoptr(GList) members = NULL;
  JsonNode *found = NULL;

  if (row == NULL)
    return NULL;
  members = json_object_get_members (row);
  for (const GList *l = members; l; l = l->next)
    if (g_ascii_strcasecmp (l->data, name) == 0)
      found = json_object_get_member (row, l->data);

  return found;
}

static RowWay
row_way (const FlintColumn *c,
         JsonArray         *rows)
{
  FlintTypeKind kind = c->type ? flint_data_type_get_kind (c->type) : FLINT_TYPE_KIND_STRING;
  GType want;

  switch (kind)
    {
    case FLINT_TYPE_KIND_STRING:
      want = G_TYPE_STRING;
      break;
    case FLINT_TYPE_KIND_BOOLEAN:
      want = G_TYPE_BOOLEAN;
      break;
    case FLINT_TYPE_KIND_INT:
    case FLINT_TYPE_KIND_LONG:
      want = G_TYPE_INT64;
      break;
    case FLINT_TYPE_KIND_DOUBLE:
      want = G_TYPE_DOUBLE;
      break;
    case FLINT_TYPE_KIND_ARRAY:
    case FLINT_TYPE_KIND_MAP:
    case FLINT_TYPE_KIND_STRUCT:
      return ROW_FROM_JSON;
    case FLINT_TYPE_KIND_NULL:
    case FLINT_TYPE_KIND_BYTE:
    case FLINT_TYPE_KIND_SHORT:
    case FLINT_TYPE_KIND_FLOAT:
    case FLINT_TYPE_KIND_DECIMAL:
    case FLINT_TYPE_KIND_BINARY:
    case FLINT_TYPE_KIND_DATE:
    case FLINT_TYPE_KIND_TIMESTAMP:
    case FLINT_TYPE_KIND_TIMESTAMP_NTZ:
    default:
      return ROW_CAST;
    }

  for (guint i = 0; i < array_length (rows); i++)
    {
      JsonNode *row = json_array_get_element (rows, i);
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (row))
        continue;
      value = row_member (json_node_get_object (row), c->name);
      if (value == NULL || JSON_NODE_HOLDS_NULL (value))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (value))
        return ROW_CAST;
      if (json_node_get_value_type (value) == want)
        continue;
      if (want == G_TYPE_DOUBLE && json_node_get_value_type (value) == G_TYPE_INT64)
        continue;
      return ROW_CAST;
    }

  return ROW_DIRECT;
}

static const char *
row_value (Scala             *s,
           const FlintColumn *c,
           RowWay             way,
           JsonNode          *value)
{
  FlintTypeKind kind = c->type ? flint_data_type_get_kind (c->type) : FLINT_TYPE_KIND_STRING;

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return "null";

  if (way == ROW_FROM_JSON)
    return lit (s, keep (s, json_to_string (value, FALSE)));

  if (way == ROW_CAST)
    {
      g_autofree char *text = JSON_NODE_HOLDS_VALUE (value) ? scalar_text (value) : json_to_string (value, FALSE);
      return lit (s, text);
    }

  if (kind == FLINT_TYPE_KIND_INT)
    return fmt (s, "%" G_GINT64_FORMAT, json_node_get_int (value));
  if (kind == FLINT_TYPE_KIND_LONG)
    return fmt (s, "%" G_GINT64_FORMAT "L", json_node_get_int (value));
  if (kind == FLINT_TYPE_KIND_DOUBLE && json_node_get_value_type (value) == G_TYPE_INT64)
    return fmt (s, "%" G_GINT64_FORMAT ".0", json_node_get_int (value));

  return scalar_value (s, value);
}

static void
emit_rows_source (Scala  *s,
                  Method *m)
{
  FlintNode *node = m->node;
  FlintSchema *declared = flint_node_get_schema (node);
  JsonArray *rows = param_array (node, "rows");
  gint64 count = 0;

  if (rows == NULL && param_integer (node, "count", &count))
    {
      JsonArray *columns = param_array (node, "columns");
      g_autoptr(Chain) chain = chain_new (fmt (s, "spark.range(%" G_GINT64_FORMAT "L)", count));

      for (guint i = 0; i < array_length (columns); i++)
        {
          const char *name = record_string (columns, i, "name");
          const char *text = record_string (columns, i, "expr");

          if (!is_blank (name) && !is_blank (text))
            chain_call (chain, "withColumn", lit (s, name), expr (s, text), NULL);
        }
      emit_chain (s, "", chain, "");
      return;
    }

  if (declared == NULL || flint_schema_get_n_columns (declared) == 0)
    {
      flint_writer_line (s->w, "spark.emptyDataFrame");
      return;
    }

  {
    guint n = flint_schema_get_n_columns (declared);
    g_autofree RowWay *ways = g_new0 (RowWay, n);
    g_autoptr(GString) ddl = g_string_new (NULL);
    g_autoptr(GPtrArray) row_lines = strings_new ();
    g_autoptr(Chain) chain = NULL;

    s->uses |= USE_ROW | USE_STRUCT_TYPE;

    for (guint c = 0; c < n; c++)
      {
        const FlintColumn *column = flint_schema_get_column (declared, c);
        g_autofree char *name = flint_writer_sql_quote_identifier (column->name);
        g_autofree char *type = column->type ? flint_data_type_to_string (column->type) : g_strdup ("string");

        ways[c] = row_way (column, rows);
        g_string_append_printf (ddl, "%s%s %s", c ? ", " : "", name, ways[c] == ROW_DIRECT ? type : "string");
      }

    for (guint r = 0; r < array_length (rows); r++)
      {
        JsonNode *row = json_array_get_element (rows, r);
        JsonObject *object = JSON_NODE_HOLDS_OBJECT (row) ? json_node_get_object (row) : NULL;
        g_autoptr(GPtrArray) values = strings_new ();
        g_autofree char *joined = NULL;

        for (guint c = 0; c < n; c++)
          {
            const FlintColumn *column = flint_schema_get_column (declared, c);
            JsonNode *value = row_member (object, column->name);

            strings_add (values, row_value (s, column, ways[c], value));
          }
        joined = join (values, ", ");
        g_ptr_array_add (row_lines, g_strdup_printf ("Row(%s)", joined));
      }

    emit_call1 (s, "val schema = StructType.fromDDL", lit (s, ddl->str), "");
    emit_call (s, "val rows = Seq", row_lines, "");

    chain = chain_new ("spark");
    chain_call (chain, "createDataFrame", "spark.sparkContext.parallelize(rows)", "schema", NULL);
    for (guint c = 0; c < n; c++)
      {
        const FlintColumn *column = flint_schema_get_column (declared, c);
        g_autofree char *type = column->type ? flint_data_type_to_string (column->type) : g_strdup ("string");

        if (ways[c] == ROW_CAST)
          chain_call (chain, "withColumn", lit (s, column->name),
                      fmt (s, "%s.cast(%s)", col (s, column->name), lit (s, type)), NULL);
        else if (ways[c] == ROW_FROM_JSON)
          chain_call (chain, "withColumn", lit (s, column->name),
                      fmt (s, "F.from_json(%s, %s, Map.empty[String, String])", col (s, column->name), lit (s, type)), NULL);
      }
    emit_chain (s, "", chain, "");
  }
}

static void
emit_select (Scala  *s,
             Method *m)
{
  JsonArray *columns = param_array (m->node, "columns");
  g_autoptr(GPtrArray) items = strings_new ();
  g_autofree char *head = g_strdup_printf ("%s.select", input_name (m, 0));

  for (guint i = 0; i < array_length (columns); i++)
    {
      const char *name = record_string (columns, i, "column");
      const char *alias = record_string (columns, i, "as");
      const char *cast = record_string (columns, i, "cast");
      g_autoptr(GString) item = NULL;

      if (name == NULL)
        name = item_string (columns, i);
      if (name == NULL)
        continue;

      item = g_string_new (col (s, name));
      if (!is_blank (cast))
        g_string_append_printf (item, ".cast(%s)", lit (s, cast));
      if (!is_blank (alias))
        g_string_append_printf (item, ".as(%s)", lit (s, alias));
      else if (!is_blank (cast))
        g_string_append_printf (item, ".as(%s)", lit (s, name));
      strings_add (items, item->str);
    }

  emit_call (s, head, items, "");
}

static void
emit_derive (Scala  *s,
             Method *m)
{
  JsonArray *columns = param_array (m->node, "columns");
  g_autoptr(Chain) chain = chain_new (input_name (m, 0));

  for (guint i = 0; i < array_length (columns); i++)
    {
      const char *name = record_string (columns, i, "name");
      const char *text = record_string (columns, i, "expr");

      if (!is_blank (name) && !is_blank (text))
        chain_call (chain, "withColumn", lit (s, name), expr (s, text), NULL);
    }

  emit_chain (s, "", chain, "");
}

static void
emit_join (Scala  *s,
           Method *m)
{
  FlintNode *node = m->node;
  const char *how = param_string (node, "how");
  const char *condition = param_string (node, "condition");
  const char *broadcast = param_string (node, "broadcast");
  JsonArray *keys = param_array (node, "keys");
  const char *left = port_input (m, "left");
  const char *right = port_input (m, "right");
  const char *spark_how;
  gboolean same_names = array_length (keys) > 0;
  g_autoptr(GPtrArray) using_names = strings_new ();
  g_autoptr(GPtrArray) conditions = strings_new ();
  g_autoptr(GPtrArray) right_keys = strings_new ();
  g_autoptr(Chain) chain = NULL;

  if (how == NULL)
    how = "inner";
  if (left == NULL)
    left = "spark.emptyDataFrame";
  if (right == NULL)
    right = "spark.emptyDataFrame";

  if (g_strcmp0 (broadcast, "left") == 0)
    left = fmt (s, "F.broadcast(%s)", left), s->uses |= USE_FUNCTIONS;
  else if (g_strcmp0 (broadcast, "right") == 0)
    right = fmt (s, "F.broadcast(%s)", right), s->uses |= USE_FUNCTIONS;

  if (g_ascii_strcasecmp (how, "cross") == 0)
    {
      flint_writer_linef (s->w, "%s.crossJoin(%s)", left, right);
      return;
    }

  if (g_ascii_strcasecmp (how, "semi") == 0)
    spark_how = "left_semi";
  else if (g_ascii_strcasecmp (how, "anti") == 0)
    spark_how = "left_anti";
  else
    spark_how = how;

  for (guint i = 0; i < array_length (keys); i++)
    {
      const char *l = record_string (keys, i, "left");
      const char *r = record_string (keys, i, "right");
      g_autofree char *lq = NULL, *rq = NULL;

      if (l == NULL || r == NULL)
        {
          same_names = FALSE;
          continue;
        }
      if (g_ascii_strcasecmp (l, r) != 0)
        same_names = FALSE;
      strings_add (using_names, lit (s, l));
      strings_add (right_keys, r);
      lq = flint_writer_sql_quote_identifier (l);
      rq = flint_writer_sql_quote_identifier (r);
      g_ptr_array_add (conditions, g_strdup_printf ("`left`.%s = `right`.%s", lq, rq));
    }

  /* Keys of the same name are joined "using" them: the output has each once. */
  if (same_names && condition == NULL)
    {
      FlintFlow *flow = flint_validator_get_output (s->ctx->validator, m->id, NULL);
      FlintSchema *out = flow ? flint_flow_get_schema (flow) : NULL;
      gboolean reorder = FALSE;

      chain = chain_new (left);
      chain_call (chain, "join", right, seq_of (s, using_names), lit (s, spark_how), NULL);

      /* Spark puts the keys first; the rule (and a reader) keep the left side's order. */
      if (out != NULL && !g_str_has_prefix (spark_how, "left_"))
        for (guint i = 0; i < array_length (keys) && !reorder; i++)
          {
            const FlintColumn *c = flint_schema_get_column (out, i);
            reorder = c == NULL || g_ascii_strcasecmp (c->name, record_string (keys, i, "left")) != 0;
          }
      if (reorder)
        {
          g_autoptr(GPtrArray) columns = strings_new ();

          for (guint i = 0; i < flint_schema_get_n_columns (out); i++)
            strings_add (columns, col (s, flint_schema_get_column (out, i)->name));
          chain_call_array (chain, "select", columns);
        }
      emit_chain (s, "", chain, "");
      return;
    }

  if (condition != NULL)
    g_ptr_array_add (conditions, conditions->len ? g_strdup_printf ("(%s)", condition) : g_strdup (condition));

  {
    g_autofree char *joined = join (conditions, " AND ");

    chain = chain_new (fmt (s, "%s.as(\"left\")", left));
    chain_call (chain, "join", fmt (s, "%s.as(\"right\")", right), expr (s, joined), lit (s, spark_how), NULL);
  }

  /* With a condition too, keys of the same name still appear once, as the rule says. */
  if (same_names && g_ascii_strcasecmp (spark_how, "left_semi") != 0 && g_ascii_strcasecmp (spark_how, "left_anti") != 0)
    for (guint i = 0; i < right_keys->len; i++)
      {
        g_autofree char *quoted = flint_writer_sql_quote_identifier (g_ptr_array_index (right_keys, i));
        chain_call (chain, "drop", fmt (s, "F.col(%s)", lit (s, fmt (s, "`right`.%s", quoted))), NULL);
      }

  emit_chain (s, "", chain, "");
}

static void
emit_aggregations (Scala     *s,
                   Chain     *chain,
                   JsonArray *aggregations)
{
  g_autoptr(GPtrArray) items = strings_new ();

  for (guint i = 0; i < array_length (aggregations); i++)
    {
      const char *name = record_string (aggregations, i, "name");
      const char *text = record_string (aggregations, i, "expr");

      if (is_blank (text))
        continue;
      if (is_blank (name))
        strings_add (items, expr (s, text));
      else
        g_ptr_array_add (items, g_strdup_printf ("%s.as(%s)", expr (s, text), lit (s, name)));
    }

  chain_call_array (chain, "agg", items);
}

static void
emit_aggregate (Scala  *s,
                Method *m)
{
  g_autoptr(GPtrArray) groups = column_list (s, param_array (m->node, "group_by"));
  g_autoptr(Chain) chain = chain_new (input_name (m, 0));

  if (groups->len > 0)
    chain_call_array (chain, "groupBy", groups);
  emit_aggregations (s, chain, param_array (m->node, "aggregations"));
  emit_chain (s, "", chain, "");
}

static const char *
frame_bound (Scala      *s,
             const char *text,
             const char *fallback)
{
  g_autofree char *lower = NULL;
  char *end = NULL;
  gint64 offset;

  if (is_blank (text))
    return fallback;

  lower = g_strstrip (g_ascii_strdown (text, -1));
  if (g_str_equal (lower, "unbounded preceding"))
    return "Window.unboundedPreceding";
  if (g_str_equal (lower, "unbounded following"))
    return "Window.unboundedFollowing";
  if (g_str_equal (lower, "current row"))
    return "Window.currentRow";

  offset = g_ascii_strtoll (lower, &end, 10);
  if (end != NULL && *end == '\0')
    return fmt (s, "%" G_GINT64_FORMAT "L", offset);

  return fallback;
}

/* val window = Window.partitionBy(...).orderBy(...)[.rowsBetween(...)] */
static void
emit_window_spec (Scala      *s,
                  GPtrArray  *partition,
                  GPtrArray  *order,
                  FlintNode  *frame_node)
{
  g_autoptr(Chain) chain = chain_new ("Window");
  const char *frame = frame_node ? param_string (frame_node, "frame") : NULL;

  s->uses |= USE_WINDOW;
  if (partition->len > 0 || order->len == 0)
    chain_call_array (chain, "partitionBy", partition);
  if (order->len > 0)
    chain_call_array (chain, "orderBy", order);
  if (frame != NULL)
    chain_call (chain, g_ascii_strcasecmp (frame, "range") == 0 ? "rangeBetween" : "rowsBetween",
                frame_bound (s, param_string (frame_node, "frame_start"), "Window.unboundedPreceding"),
                frame_bound (s, param_string (frame_node, "frame_end"), "Window.currentRow"), NULL);

  emit_chain (s, "val window = ", chain, "");
}

static void
emit_window (Scala  *s,
             Method *m)
{
  JsonArray *functions = param_array (m->node, "functions");
  g_autoptr(GPtrArray) partition = column_list (s, param_array (m->node, "partition_by"));
  g_autoptr(GPtrArray) order = order_columns (s, param_array (m->node, "order_by"));
  g_autoptr(Chain) chain = chain_new (input_name (m, 0));

  emit_window_spec (s, partition, order, m->node);
  for (guint i = 0; i < array_length (functions); i++)
    {
      const char *name = record_string (functions, i, "name");
      const char *text = record_string (functions, i, "expr");

      if (!is_blank (name) && !is_blank (text))
        chain_call (chain, "withColumn", lit (s, name), fmt (s, "%s.over(window)", expr (s, text)), NULL);
    }
  emit_chain (s, "", chain, "");
}

static void
emit_union (Scala  *s,
            Method *m)
{
  gboolean by_name = TRUE;
  JsonNode *value = flint_node_get_param_or_default (m->node, "by_name");
  gboolean allow_missing = param_boolean (m->node, "allow_missing_columns");
  g_autoptr(Chain) chain = chain_new (input_name (m, 0));

  if (value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN)
    by_name = json_node_get_boolean (value);

  for (guint i = 1; i < m->inputs->len; i++)
    {
      if (!by_name)
        chain_call (chain, "union", input_name (m, i), NULL);
      else if (allow_missing)
        chain_call (chain, "unionByName", input_name (m, i), "allowMissingColumns = true", NULL);
      else
        chain_call (chain, "unionByName", input_name (m, i), NULL);
    }

  emit_chain (s, "", chain, "");
}

static void
emit_deduplicate (Scala  *s,
                  Method *m)
{
  JsonArray *keys = param_array (m->node, "keys");
  JsonArray *order_by = param_array (m->node, "order_by");
  g_autoptr(GPtrArray) names = name_list (s, keys);
  g_autoptr(Chain) chain = chain_new (input_name (m, 0));
  gboolean streaming = input_is_streaming (s, m->node);

  if (streaming && param_boolean (m->node, "within_watermark"))
    {
      chain_call (chain, "dropDuplicatesWithinWatermark", names->len ? seq_of (s, names) : NULL, NULL);
      emit_chain (s, "", chain, "");
      return;
    }

  /* The first row of each key in an order: number the rows of each key and keep the first. */
  if (!streaming && names->len > 0 && array_length (order_by) > 0)
    {
      g_autoptr(GPtrArray) partition = column_list (s, keys);
      g_autoptr(GPtrArray) order = order_columns (s, order_by);

      emit_window_spec (s, partition, order, NULL);
      chain_call (chain, "withColumn", "\"__flint_row\"", "F.row_number().over(window)", NULL);
      chain_call (chain, "filter", "F.col(\"__flint_row\") === 1", NULL);
      chain_call (chain, "drop", "\"__flint_row\"", NULL);
      emit_chain (s, "", chain, "");
      return;
    }

  chain_call (chain, "dropDuplicates", names->len ? seq_of (s, names) : NULL, NULL);
  emit_chain (s, "", chain, "");
}

static void
emit_fill_nulls (Scala  *s,
                 Method *m)
{
  JsonNode *values = param (m->node, "values");
  JsonNode *value = param (m->node, "value");
  g_autoptr(GPtrArray) names = name_list (s, param_array (m->node, "columns"));
  g_autoptr(Chain) chain = chain_new (input_name (m, 0));

  chain_member (chain, "na");
  if (values != NULL && JSON_NODE_HOLDS_OBJECT (values))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (values));
      g_autoptr(GPtrArray) pairs = strings_new ();
      g_autofree char *joined = NULL;

      for (const GList *l = members; l; l = l->next)
        g_ptr_array_add (pairs, g_strdup_printf ("%s -> %s", lit (s, l->data),
                                                 scalar_value (s, json_object_get_member (json_node_get_object (values), l->data))));
      joined = join (pairs, ", ");
      chain_call (chain, "fill", fmt (s, "Map[String, Any](%s)", joined), NULL);
    }
  else if (value != NULL)
    {
      const char *filler = scalar_value (s, value);
      const char *text = JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING
                       ? json_node_get_string (value) : NULL;
      JsonArray *columns = param_array (m->node, "columns");
      FlintSchema *schema = input_schema (s, m->node, NULL);

      /* "0" fills number columns with 0 when the columns filled are numbers. */
      if (text != NULL && schema != NULL && array_length (columns) > 0)
        {
          gboolean numbers = TRUE;
          char *end = NULL;
          double number = g_ascii_strtod (text, &end);

          for (guint i = 0; i < array_length (columns); i++)
            {
              const FlintColumn *c = item_string (columns, i) ? flint_schema_lookup (schema, item_string (columns, i)) : NULL;
              numbers &= c != NULL && c->type != NULL && flint_data_type_is_numeric (c->type);
            }
          if (numbers && end != NULL && end != text && *end == '\0' && strpbrk (text, "xXnN") == NULL)
            {
              if (strpbrk (text, ".eE") != NULL)
                {
                  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
                  const char *d = g_ascii_dtostr (buffer, sizeof buffer, number);
                  filler = strpbrk (d, ".eE") ? fmt (s, "%s", d) : fmt (s, "%s.0", d);
                }
              else
                filler = fmt (s, "%" G_GINT64_FORMAT "L", (gint64) number);
            }
        }

      if (names->len > 0)
        chain_call (chain, "fill", filler, seq_of (s, names), NULL);
      else
        chain_call (chain, "fill", filler, NULL);
    }
  else
    {
      flint_writer_line (s->w, input_name (m, 0));
      return;
    }

  emit_chain (s, "", chain, "");
}

static void
emit_drop_nulls (Scala  *s,
                 Method *m)
{
  g_autoptr(GPtrArray) names = name_list (s, param_array (m->node, "columns"));
  const char *how = param_string (m->node, "how");
  g_autoptr(Chain) chain = chain_new (input_name (m, 0));
  const char *first;
  gint64 min_non_nulls;

  if (param_integer (m->node, "min_non_nulls", &min_non_nulls) && param (m->node, "min_non_nulls") != NULL)
    first = fmt (s, "%" G_GINT64_FORMAT, min_non_nulls);
  else
    first = lit (s, how ? how : "any");

  chain_member (chain, "na");
  chain_call (chain, "drop", first, names->len ? seq_of (s, names) : NULL, NULL);
  emit_chain (s, "", chain, "");
}

static void
emit_pivot (Scala  *s,
            Method *m)
{
  g_autoptr(GPtrArray) groups = column_list (s, param_array (m->node, "group_by"));
  JsonArray *values = param_array (m->node, "values");
  const char *pivot = param_string (m->node, "pivot_column");
  g_autoptr(Chain) chain = chain_new (input_name (m, 0));

  chain_call_array (chain, "groupBy", groups);
  if (array_length (values) > 0)
    {
      g_autoptr(GPtrArray) items = strings_new ();

      for (guint i = 0; i < array_length (values); i++)
        strings_add (items, scalar_value (s, json_array_get_element (values, i)));
      chain_call (chain, "pivot", col (s, pivot ? pivot : ""), seq_of (s, items), NULL);
    }
  else
    chain_call (chain, "pivot", col (s, pivot ? pivot : ""), NULL);
  emit_aggregations (s, chain, param_array (m->node, "aggregations"));
  emit_chain (s, "", chain, "");
}

static void
emit_explode (Scala  *s,
              Method *m)
{
  const char *name = param_string (m->node, "column");
  const char *alias = param_string (m->node, "as");
  gboolean outer = param_boolean (m->node, "outer");
  gboolean position = param_boolean (m->node, "position");
  FlintSchema *input = input_schema (s, m->node, NULL);
  const FlintColumn *column = input && name ? flint_schema_lookup (input, name) : NULL;
  gboolean is_map = column && column->type && flint_data_type_get_kind (column->type) == FLINT_TYPE_KIND_MAP;
  const char *function = fmt (s, "F.%s%s", position ? "posexplode" : "explode", outer ? "_outer" : "");
  const char *generator = fmt (s, "%s(%s)", function, col (s, name ? name : ""));
  g_autoptr(GPtrArray) outputs = strings_new ();
  g_autoptr(GPtrArray) temporary = strings_new ();
  g_autoptr(Chain) chain = chain_new (input_name (m, 0));

  if (position)
    strings_add (outputs, "pos");
  if (is_map)
    {
      strings_add (outputs, "key");
      strings_add (outputs, "value");
    }
  else
    strings_add (outputs, alias ? alias : "col");

  /* One new column replaces a column of its name in place, as withColumn does. */
  if (outputs->len == 1)
    {
      chain_call (chain, "withColumn", lit (s, g_ptr_array_index (outputs, 0)), generator, NULL);
      emit_chain (s, "", chain, "");
      return;
    }

  /* Several: generated under temporary names, then set one by one with the same rule. */
  for (guint i = 0; i < outputs->len; i++)
    g_ptr_array_add (temporary, g_strdup_printf ("\"__flint_%s\"", (const char *) g_ptr_array_index (outputs, i)));

  chain_call (chain, "select", "F.col(\"*\")", fmt (s, "%s.as(%s)", generator, seq_of (s, temporary)), NULL);
  for (guint i = 0; i < outputs->len; i++)
    chain_call (chain, "withColumn", lit (s, g_ptr_array_index (outputs, i)),
                fmt (s, "F.col(%s)", (const char *) g_ptr_array_index (temporary, i)), NULL);
  chain_call_array (chain, "drop", temporary);
  emit_chain (s, "", chain, "");
}

static void
emit_sql (Scala  *s,
          Method *m)
{
  for (guint i = 0; i < m->step->inputs->len; i++)
    {
      FlintEdge *edge = g_ptr_array_index (m->step->inputs, i);
      g_autofree char *view = flint_writer_sql_identifier (flint_edge_get_from_node (edge));

      flint_writer_linef (s->w, "%s.createOrReplaceTempView(%s)", input_name (m, i), lit (s, view));
    }

  emit_call1 (s, "spark.sql", lit (s, param_string (m->node, "query")), "");
}

static void
emit_repartition (Scala  *s,
                  Method *m)
{
  const char *mode = param_string (m->node, "mode");
  g_autoptr(GPtrArray) columns = column_list (s, param_array (m->node, "columns"));
  g_autoptr(GPtrArray) args = strings_new ();
  g_autofree char *head = NULL;
  const char *method = "repartition";
  gint64 n;

  if (param_integer (m->node, "num_partitions", &n) && param (m->node, "num_partitions") != NULL)
    g_ptr_array_add (args, g_strdup_printf ("%" G_GINT64_FORMAT, n));

  if (g_strcmp0 (mode, "coalesce") == 0)
    method = "coalesce";
  else
    {
      if (g_strcmp0 (mode, "repartition_by_range") == 0)
        method = "repartitionByRange";
      for (guint i = 0; i < columns->len; i++)
        strings_add (args, g_ptr_array_index (columns, i));
    }

  /* Neither a number nor columns: as many partitions as a shuffle makes. */
  if (args->len == 0)
    strings_add (args, fmt (s, "%s.sparkSession.conf.get(\"spark.sql.shuffle.partitions\").toInt", input_name (m, 0)));

  head = g_strdup_printf ("%s.%s", input_name (m, 0), method);
  emit_call (s, head, args, "");
}

/* A check as a Column: the check's name when the row fails it, else null. Nulls pass
 * every rule but not_null (a comparison with null is null, which when() takes as false). */
static const char *
check_column (Scala     *s,
              JsonArray *expectations,
              guint      i)
{
  const char *name = record_string (expectations, i, "name");
  const char *column = record_string (expectations, i, "column");
  const char *rule = record_string (expectations, i, "rule");
  const char *c;
  const char *failing;

  if (column == NULL || rule == NULL)
    return NULL;

  c = col (s, column);
  if (g_str_equal (rule, "not_null"))
    failing = fmt (s, "%s.isNull", c);
  else if (g_str_equal (rule, "unique"))
    {
      s->uses |= USE_WINDOW;
      failing = fmt (s, "F.count(%s).over(Window.partitionBy(%s)) > 1", c, c);
    }
  else if (g_str_equal (rule, "in_range"))
    {
      JsonNode *min = record_member (expectations, i, "min");
      JsonNode *max = record_member (expectations, i, "max");

      if (min != NULL && max != NULL)
        failing = fmt (s, "!%s.between(%s, %s)", c, scalar_value (s, min), scalar_value (s, max));
      else if (min != NULL)
        failing = fmt (s, "%s < %s", c, scalar_value (s, min));
      else if (max != NULL)
        failing = fmt (s, "%s > %s", c, scalar_value (s, max));
      else
        return NULL;
    }
  else if (g_str_equal (rule, "matches"))
    {
      const char *pattern = record_string (expectations, i, "pattern");
      failing = fmt (s, "!%s.rlike(%s)", c, lit (s, pattern ? pattern : ""));
    }
  else if (g_str_equal (rule, "in_set"))
    {
      JsonNode *values = record_member (expectations, i, "values");
      JsonArray *array = values && JSON_NODE_HOLDS_ARRAY (values) ? json_node_get_array (values) : NULL;
      g_autoptr(GPtrArray) items = strings_new ();
      g_autofree char *joined = NULL;

      for (guint v = 0; v < array_length (array); v++)
        strings_add (items, scalar_value (s, json_array_get_element (array, v)));
      joined = join (items, ", ");
      failing = fmt (s, "!%s.isin(%s)", c, joined);
    }
  else
    return NULL;

  return fmt (s, "F.when(%s, F.lit(%s))", failing, lit (s, name ? name : column));
}

static void
emit_quality (Scala  *s,
              Method *m)
{
  JsonArray *expectations = param_array (m->node, "expectations");
  const char *on_failure = param_string (m->node, "on_failure");
  const char *in = input_name (m, 0);
  g_autoptr(GPtrArray) checks = strings_new ();
  g_autoptr(Chain) chain = NULL;

  if (on_failure == NULL)
    on_failure = "fail";

  for (guint i = 0; i < array_length (expectations); i++)
    {
      const char *check = check_column (s, expectations, i);

      if (check != NULL)
        strings_add (checks, check);
    }
  if (checks->len == 0)
    strings_add (checks, "F.lit(null).cast(\"string\")");

  /* The names of the checks a row fails, in the order they are listed. */
  flint_writer_line (s->w, "val failed = F.filter(");
  flint_writer_indent (s->w);
  emit_call (s, "F.array", checks, ",");
  flint_writer_line (s->w, "name => name.isNotNull");
  flint_writer_dedent (s->w);
  flint_writer_line (s->w, ")");
  flint_writer_linef (s->w, "val checked = %s.withColumn(\"failed_expectations\", failed)", in);

  if (g_str_equal (on_failure, "fail"))
    {
      g_autofree char *message = g_strdup_printf ("%s: expectations failed: ", flint_node_get_display_name (m->node));

      if (input_is_streaming (s, m->node))
        {
          /* A stream cannot be counted: the first failing row stops the query. */
          chain = chain_new ("checked");
          chain_call (chain, "withColumn", "\"failed_expectations\"",
                      fmt (s, "F.when(F.size(F.col(\"failed_expectations\")) > 0, F.raise_error(F.concat(F.lit(%s), "
                           "F.array_join(F.col(\"failed_expectations\"), \", \")))).otherwise(F.col(\"failed_expectations\"))",
                           lit (s, message)), NULL);
          emit_chain (s, "val verified = ", chain, "");
          g_clear_pointer (&chain, chain_free);
          in = "verified";
        }
      else
        {
          g_autofree char *description = g_strdup_printf ("[flint:%s] %s", m->id, flint_node_get_display_name (m->node));

          /* Counted before anything is written, under the node's name. */
          flint_writer_linef (s->w, "%s.sparkSession.sparkContext.setJobDescription(%s)", in, lit (s, description));
          flint_writer_line (s->w, "val failures =");
          flint_writer_indent (s->w);
          flint_writer_line (s->w, "try {");
          flint_writer_indent (s->w);
          chain = chain_new ("checked");
          chain_call (chain, "where", "F.size(F.col(\"failed_expectations\")) > 0", NULL);
          chain_call (chain, "select", "F.explode(F.col(\"failed_expectations\")).as(\"expectation\")", NULL);
          chain_call (chain, "groupBy", "\"expectation\"", NULL);
          chain_call (chain, "count", NULL);
          chain_call (chain, "orderBy", "\"expectation\"", NULL);
          chain_call (chain, "collect", NULL);
          emit_chain (s, "", chain, "");
          g_clear_pointer (&chain, chain_free);
          flint_writer_dedent (s->w);
          flint_writer_line (s->w, "} finally {");
          flint_writer_indent (s->w);
          flint_writer_linef (s->w, "%s.sparkSession.sparkContext.setJobDescription(null)", in);
          flint_writer_dedent (s->w);
          flint_writer_line (s->w, "}");
          flint_writer_dedent (s->w);
          flint_writer_line (s->w, "if (failures.nonEmpty) {");
          flint_writer_indent (s->w);
          flint_writer_line (s->w, "val counts = failures");
          flint_writer_indent (s->w);
          flint_writer_line (s->w, ".map(row => s\"${row.getString(0)} (${row.getLong(1)} rows)\")");
          flint_writer_line (s->w, ".mkString(\", \")");
          flint_writer_dedent (s->w);
          emit_call1 (s, "throw new RuntimeException", fmt (s, "%s + counts", lit (s, message)), "");
          flint_writer_dedent (s->w);
          flint_writer_line (s->w, "}");
        }
    }

  chain = chain_new (g_str_equal (in, "verified") ? "verified" : "checked");
  chain_call (chain, "where", "F.size(F.col(\"failed_expectations\")) === 0", NULL);
  chain_call (chain, "drop", "\"failed_expectations\"", NULL);
  emit_chain (s, "val out = ", chain, "");
  g_clear_pointer (&chain, chain_free);

  /* Failing rows go to the quarantine output only when asked to; else it stays empty. */
  if (g_str_equal (on_failure, "quarantine"))
    flint_writer_line (s->w, "val quarantine = checked.where(F.size(F.col(\"failed_expectations\")) > 0)");
  else
    flint_writer_line (s->w, "val quarantine = checked.where(F.lit(false))");
  flint_writer_line (s->w, "(out, quarantine)");
}

/* User code, dedented to its least indented line, tabs kept as they are. */
static char *
dedent (const char *code)
{
  g_auto(GStrv) lines = g_strsplit (code, "\n", -1);
  guint common = G_MAXUINT;
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i]; i++)
    {
      guint n = 0;

      if (is_blank (lines[i]))
        continue;
      while (lines[i][n] == ' ')
        n++;
      common = MIN (common, n);
    }
  if (common == G_MAXUINT)
    common = 0;

  for (guint i = 0; lines[i]; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      if (!is_blank (lines[i]))
        g_string_append (out, lines[i] + common);
    }

  return g_string_free (out, FALSE);
}

static gboolean
emit_code (Scala   *s,
           Method  *m,
           GError **error)
{
  const char *language = param_string (m->node, "language");
  const char *code = param_string (m->node, "code");
  g_autoptr(GPtrArray) params = strings_new ();
  g_autoptr(GPtrArray) args = strings_new ();
  g_autofree char *joined = NULL;

  if (language == NULL || g_ascii_strcasecmp (language, "scala") != 0)
    {
      g_set_error (error, FLINT_CODEGEN_ERROR, FLINT_CODEGEN_ERROR_LANGUAGE,
                   _("Node '%s' holds %s code, which cannot run in a Scala job; generate PySpark "
                     "or rewrite the node in Scala"),
                   m->id, language ? language : "python");
      return FALSE;
    }

  /* The inputs keep the names of the nodes they come from, as the code expects; the
   * nested def is a scope of its own, so only keywords are renamed. */
  for (guint i = 0; i < m->inputs->len; i++)
    {
      FlintEdge *edge = g_ptr_array_index (m->step->inputs, i);
      const FlintCodeStep *from = flint_code_plan_get_source (s->ctx->plan, edge);
      const char *port = flint_edge_get_from_port (edge);
      g_autofree char *name = argument_name (flint_edge_get_from_node (edge),
                                             from && !port_is_first_output (from->node, port) ? port : NULL,
                                             FALSE);

      g_ptr_array_add (params, g_strdup_printf ("%s: DataFrame", name));
      strings_add (args, input_name (m, i));
    }

  emit_call (s, "def body", params, ": DataFrame = {");
  flint_writer_indent (s->w);
  flint_writer_linef (s->w, "// ---- code of node %s, as written ----", m->id);
  {
    g_autofree char *text = dedent (code ? code : "");
    flint_writer_lines (s->w, text);
  }
  flint_writer_linef (s->w, "// ---- end of the code of node %s ----", m->id);
  flint_writer_dedent (s->w);
  flint_writer_line (s->w, "}");
  joined = join (args, ", ");
  flint_writer_linef (s->w, "body(%s)", joined);
  return TRUE;
}

/* Sinks {{{ */

static const char *
trigger_call (Scala     *s,
              FlintNode *node)
{
  const char *trigger = param_string (node, "trigger");
  const char *interval = param_string (node, "trigger_interval");

  if (trigger == NULL)
    trigger = "processing_time";

  if (g_str_equal (trigger, "available_now"))
    return s->uses |= USE_TRIGGER, "Trigger.AvailableNow()";
  if (g_str_equal (trigger, "once"))
    return s->uses |= USE_TRIGGER, "Trigger.Once()";
  if (g_str_equal (trigger, "continuous"))
    return s->uses |= USE_TRIGGER, fmt (s, "Trigger.Continuous(%s)", lit (s, interval ? interval : "1 second"));
  if (interval != NULL)
    return s->uses |= USE_TRIGGER, fmt (s, "Trigger.ProcessingTime(%s)", lit (s, interval));

  return NULL;
}

/* MERGE INTO the Delta table on the keys, from a temporary view of @source. */
static void
emit_delta_merge (Scala      *s,
                  FlintNode  *node,
                  const char *source,
                  const char *session)
{
  const char *path = param_string (node, "path");
  const char *table = param_string (node, "table");
  JsonArray *keys = param_array (node, "merge_keys");
  g_autofree char *target = NULL;
  g_autofree char *view = g_strdup_printf ("flint_merge_%s", flint_node_get_id (node));
  g_autofree char *quoted_view = flint_writer_sql_quote_identifier (view);
  g_autoptr(GString) sql = g_string_new (NULL);

  if (table != NULL)
    target = sql_table_name (table);
  else
    {
      g_autofree char *quoted = flint_writer_sql_quote_identifier (path ? path : "");
      target = g_strdup_printf ("delta.%s", quoted);
    }

  g_string_append_printf (sql, "MERGE INTO %s AS target USING %s AS source ON ", target, quoted_view);
  for (guint i = 0; i < array_length (keys); i++)
    {
      g_autofree char *key = item_string (keys, i) ? flint_writer_sql_quote_identifier (item_string (keys, i)) : NULL;

      if (key != NULL)
        g_string_append_printf (sql, "%starget.%s <=> source.%s", i ? " AND " : "", key, key);
    }
  g_string_append (sql, " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");

  flint_writer_linef (s->w, "%s.createOrReplaceTempView(%s)", source, lit (s, quoted_view));
  emit_call1 (s, fmt (s, "%s.sql", session), lit (s, sql->str), "");
}

/* The write itself: input.write... or input.writeStream..., ending in the action. */
static void
emit_sink_action (Scala      *s,
                  Method     *m,
                  gboolean    streaming)
{
  FlintNode *node = m->node;
  const char *kind = flint_node_get_kind_id (node);
  const char *source = input_name (m, 0);
  const char *mode = param_string (node, "mode");
  g_autoptr(GPtrArray) partition = name_list (s, param_array (node, "partition_by"));
  g_autoptr(Chain) chain = NULL;
  const char *format = NULL;
  const char *action = NULL;
  const char *action_arg = NULL;

  if (g_str_equal (kind, "sink.console") && !streaming)
    {
      gint64 rows = 20;

      param_integer (node, "num_rows", &rows);
      flint_writer_linef (s->w, "%s.show(%" G_GINT64_FORMAT ", truncate = %s)", source, rows,
                          param_boolean (node, "truncate") ? "true" : "false");
      return;
    }

  if (g_str_equal (kind, "sink.delta") && g_strcmp0 (mode, "merge") == 0)
    {
      const char *trigger = NULL;
      const char *query_name = NULL;
      const char *checkpoint = NULL;

      if (!streaming)
        {
          emit_delta_merge (s, node, source, "spark");
          return;
        }

      /* Each micro-batch is merged into the table by merge() above. */
      trigger = trigger_call (s, node);
      query_name = param_string (node, "query_name");
      checkpoint = param_string (node, "checkpoint_location");
      chain = chain_new (source);
      chain_member (chain, "writeStream");
      chain_call (chain, "outputMode", lit (s, param_string (node, "output_mode") ? param_string (node, "output_mode") : "append"), NULL);
      if (checkpoint != NULL)
        chain_call (chain, "option", "\"checkpointLocation\"", lit (s, checkpoint), NULL);
      if (trigger != NULL)
        chain_call (chain, "trigger", trigger, NULL);
      chain_call (chain, "queryName", lit (s, query_name ? query_name : m->id), NULL);
      chain_call (chain, "foreachBatch", "merge _", NULL);
      chain_call (chain, "start", NULL);
      emit_chain (s, "", chain, "");
      return;
    }

  if (g_str_equal (kind, "sink.kafka"))
    {
      const char *key = param_string (node, "key");
      const char *value = param_string (node, "value");
      g_autoptr(GPtrArray) columns = strings_new ();

      if (key != NULL)
        g_ptr_array_add (columns, g_strdup_printf ("%s.as(\"key\")", expr (s, key)));
      if (value != NULL)
        g_ptr_array_add (columns, g_strdup_printf ("%s.as(\"value\")", expr (s, value)));
      else
        strings_add (columns, "F.col(\"value\")");
      if (param_string (node, "topic") == NULL)
        strings_add (columns, "F.col(\"topic\")");
      s->uses |= USE_FUNCTIONS;
      chain = chain_new (source);
      chain_call_array (chain, "select", columns);
      emit_chain (s, "val records = ", chain, "");
      g_clear_pointer (&chain, chain_free);
      source = "records";
    }

  chain = chain_new (source);
  chain_member (chain, streaming ? "writeStream" : "write");

  if ((g_str_equal (kind, "sink.csv") || g_str_equal (kind, "sink.json") ||
       g_str_equal (kind, "sink.parquet") || g_str_equal (kind, "sink.orc")))
    {
      format = kind + 5;
      action = "save";
      action_arg = lit (s, param_string (node, "path"));
    }
  else if (g_str_equal (kind, "sink.delta"))
    {
      format = "delta";
      if (param_string (node, "table") != NULL)
        {
          action = streaming ? "toTable" : "saveAsTable";
          action_arg = lit (s, param_string (node, "table"));
        }
      else
        {
          action = streaming ? "start" : "save";
          action_arg = lit (s, param_string (node, "path"));
        }
    }
  else if (g_str_equal (kind, "sink.table"))
    {
      format = param_string (node, "format");
      action = streaming ? "toTable" : "saveAsTable";
      action_arg = lit (s, param_string (node, "table"));
    }
  else if (g_str_equal (kind, "sink.jdbc"))
    format = "jdbc", action = "save";
  else if (g_str_equal (kind, "sink.kafka"))
    format = "kafka", action = "save";
  else if (g_str_equal (kind, "sink.console"))
    format = "console", action = "start";
  else
    format = NULL, action = "save";

  if (streaming && g_str_equal (action, "save"))
    action = "start";

  if (format != NULL)
    chain_call (chain, "format", lit (s, format), NULL);

  if (streaming)
    {
      const char *output_mode = param_string (node, "output_mode");
      const char *trigger = trigger_call (s, node);
      const char *query_name = param_string (node, "query_name");

      chain_call (chain, "outputMode", lit (s, output_mode ? output_mode : "append"), NULL);
      if (partition->len > 0)
        chain_call_array (chain, "partitionBy", partition);
      add_options (s, chain, node, TRUE);
      if (trigger != NULL)
        chain_call (chain, "trigger", trigger, NULL);
      chain_call (chain, "queryName", lit (s, query_name ? query_name : m->id), NULL);
    }
  else
    {
      if (mode != NULL && g_strcmp0 (mode, "merge") != 0)
        chain_call (chain, "mode", lit (s, mode), NULL);
      if (partition->len > 0)
        chain_call_array (chain, "partitionBy", partition);
      add_options (s, chain, node, FALSE);
    }

  if (g_str_equal (kind, "sink.jdbc") || g_str_equal (kind, "sink.kafka") || g_str_equal (kind, "sink.console"))
    action_arg = NULL;
  chain_call (chain, action, action_arg, NULL);
  emit_chain (s, "", chain, "");
}

static void
emit_sink (Scala  *s,
           Method *m,
           gboolean streaming)
{
  g_autofree char *description = g_strdup_printf ("[flint:%s] %s", m->id, flint_node_get_display_name (m->node));

  if (streaming && g_str_equal (flint_node_get_kind_id (m->node), "sink.delta") &&
      g_strcmp0 (param_string (m->node, "mode"), "merge") == 0)
    {
      flint_writer_line (s->w, "def merge(batch: DataFrame, batchId: Long): Unit = {");
      flint_writer_indent (s->w);
      emit_delta_merge (s, m->node, "batch", "batch.sparkSession");
      flint_writer_dedent (s->w);
      flint_writer_line (s->w, "}");
    }

  /* The job description names the node, so progress can be shown per node. */
  flint_writer_linef (s->w, "spark.sparkContext.setJobDescription(%s)", lit (s, description));
  flint_writer_line (s->w, "try {");
  flint_writer_indent (s->w);
  emit_sink_action (s, m, streaming);
  flint_writer_dedent (s->w);
  flint_writer_line (s->w, "} finally {");
  flint_writer_indent (s->w);
  flint_writer_line (s->w, "spark.sparkContext.setJobDescription(null)");
  flint_writer_dedent (s->w);
  flint_writer_line (s->w, "}");
}

/* }}} */

static const char *
file_format (const char *kind)
{
  static const char *const formats[] = {
    "source.csv", "csv", "source.json", "json", "source.parquet", "parquet", "source.orc", "orc",
    "source.avro", "avro", "source.text", "text", "source.delta", "delta", NULL
  };

  for (guint i = 0; formats[i]; i += 2)
    if (g_str_equal (formats[i], kind))
      return formats[i + 1];

  return NULL;
}

static gboolean
emit_body (Scala   *s,
           Method  *m,
           GError **error)
{
  FlintNode *node = m->node;
  const char *kind = flint_node_get_kind_id (node);
  const char *in = input_name (m, 0);
  gint64 n;

  if (file_format (kind) != NULL)
    emit_file_source (s, m, file_format (kind));
  else if (g_str_equal (kind, "source.table"))
    emit_table_source (s, m);
  else if (g_str_equal (kind, "source.jdbc"))
    emit_format_source (s, m, "jdbc");
  else if (g_str_equal (kind, "source.kafka"))
    emit_format_source (s, m, "kafka");
  else if (g_str_equal (kind, "source.rows"))
    emit_rows_source (s, m);
  else if (g_str_equal (kind, "transform.select"))
    emit_select (s, m);
  else if (g_str_equal (kind, "transform.filter"))
    flint_writer_linef (s->w, "%s.filter(%s)", in, expr (s, param_string (node, "condition")));
  else if (g_str_equal (kind, "transform.derive"))
    emit_derive (s, m);
  else if (g_str_equal (kind, "transform.drop"))
    {
      g_autoptr(GPtrArray) names = name_list (s, param_array (node, "columns"));
      emit_call (s, fmt (s, "%s.drop", in), names, "");
    }
  else if (g_str_equal (kind, "transform.join"))
    emit_join (s, m);
  else if (g_str_equal (kind, "transform.aggregate"))
    emit_aggregate (s, m);
  else if (g_str_equal (kind, "transform.window"))
    emit_window (s, m);
  else if (g_str_equal (kind, "transform.union"))
    emit_union (s, m);
  else if (g_str_equal (kind, "transform.distinct"))
    flint_writer_linef (s->w, "%s.distinct()", in);
  else if (g_str_equal (kind, "transform.deduplicate"))
    emit_deduplicate (s, m);
  else if (g_str_equal (kind, "transform.sort"))
    {
      g_autoptr(GPtrArray) order = order_columns (s, param_array (node, "order_by"));
      emit_call (s, fmt (s, "%s.orderBy", in), order, "");
    }
  else if (g_str_equal (kind, "transform.limit"))
    {
      if (!param_integer (node, "count", &n))
        n = 0;
      flint_writer_linef (s->w, "%s.limit(%" G_GINT64_FORMAT ")", in, n);
    }
  else if (g_str_equal (kind, "transform.sample"))
    {
      JsonNode *fraction = param (node, "fraction");
      const char *replace = param_boolean (node, "with_replacement") ? "true" : "false";
      const char *f = scalar_value (s, fraction);

      if (fraction && JSON_NODE_HOLDS_VALUE (fraction) && json_node_get_value_type (fraction) == G_TYPE_INT64)
        f = fmt (s, "%" G_GINT64_FORMAT ".0", json_node_get_int (fraction));
      else if (fraction == NULL || !JSON_NODE_HOLDS_VALUE (fraction) || json_node_get_value_type (fraction) != G_TYPE_DOUBLE)
        f = "1.0";  /* unset or not a number: an invalid pipeline, still a program that compiles */
      if (param (node, "seed") != NULL && param_integer (node, "seed", &n))
        flint_writer_linef (s->w, "%s.sample(%s, %s, %" G_GINT64_FORMAT "L)", in, replace, f, n);
      else
        flint_writer_linef (s->w, "%s.sample(%s, %s)", in, replace, f);
    }
  else if (g_str_equal (kind, "transform.fill_nulls"))
    emit_fill_nulls (s, m);
  else if (g_str_equal (kind, "transform.drop_nulls"))
    emit_drop_nulls (s, m);
  else if (g_str_equal (kind, "transform.pivot"))
    emit_pivot (s, m);
  else if (g_str_equal (kind, "transform.explode"))
    emit_explode (s, m);
  else if (g_str_equal (kind, "transform.sql"))
    emit_sql (s, m);
  else if (g_str_equal (kind, "transform.repartition"))
    emit_repartition (s, m);
  else if (g_str_equal (kind, "transform.cache"))
    {
      static const char *levels[] = {
        "MEMORY_AND_DISK", "MEMORY_AND_DISK_2", "MEMORY_ONLY", "MEMORY_ONLY_2", "DISK_ONLY",
        "DISK_ONLY_2", "DISK_ONLY_3", "OFF_HEAP", NULL
      };
      const char *level = param_string (node, "storage_level");

      /* The level names a Scala member: only the known ones. */
      if (level == NULL || !g_strv_contains (levels, level))
        level = "MEMORY_AND_DISK";
      s->uses |= USE_STORAGE_LEVEL;
      flint_writer_linef (s->w, "%s.persist(StorageLevel.%s)", in, level);
    }
  else if (g_str_equal (kind, "transform.quality"))
    emit_quality (s, m);
  else if (g_str_equal (kind, "transform.watermark"))
    {
      g_autofree char *column = flint_writer_sql_identifier (param_string (node, "column") ? param_string (node, "column") : "");
      flint_writer_linef (s->w, "%s.withWatermark(%s, %s)", in, lit (s, column), lit (s, param_string (node, "delay")));
    }
  else if (g_str_equal (kind, "transform.code"))
    return emit_code (s, m, error);
  else if (g_str_has_prefix (kind, "sink."))
    emit_sink (s, m, input_is_streaming (s, node));
  else
    flint_writer_linef (s->w, "%s", in);

  return TRUE;
}

static gboolean
node_needs_spark (FlintNode *node)
{
  const FlintNodeKind *kind = flint_node_get_kind (node);

  return kind->category != FLINT_NODE_CATEGORY_TRANSFORM || g_str_equal (kind->id, "transform.sql");
}

static gboolean
is_sink (FlintNode *node)
{
  return flint_node_get_kind (node)->category == FLINT_NODE_CATEGORY_SINK;
}

static gboolean
is_quality (FlintNode *node)
{
  return g_str_equal (flint_node_get_kind_id (node), "transform.quality");
}

static gboolean
emit_method (Scala               *s,
             const FlintCodeStep *step,
             GError             **error)
{
  FlintNode *node = step->node;
  Method m = { 0 };
  g_autoptr(GPtrArray) params = strings_new ();
  g_autoptr(GPtrArray) inputs = strings_new ();
  const char *result;
  gboolean ok;

  m.step = step;
  m.node = node;
  m.id = flint_node_get_id (node);
  m.params = params;
  m.inputs = inputs;

  if (node_needs_spark (node))
    strings_add (params, "spark: SparkSession");

  /* Inputs are named after the nodes they come from, as in the PySpark program. */
  for (guint i = 0; i < step->inputs->len; i++)
    {
      FlintEdge *edge = g_ptr_array_index (step->inputs, i);
      const FlintCodeStep *from = flint_code_plan_get_source (s->ctx->plan, edge);
      const char *port = flint_edge_get_from_port (edge);
      g_autofree char *base = argument_name (flint_edge_get_from_node (edge),
                                             from && !port_is_first_output (from->node, port) ? port : NULL,
                                             TRUE);
      char *name = g_strdup (base);

      for (guint n = 2; g_ptr_array_find_with_equal_func (inputs, name, g_str_equal, NULL); n++)
        {
          g_free (name);
          name = g_strdup_printf ("%s_%u", base, n);
        }
      g_ptr_array_add (params, g_strdup_printf ("%s: DataFrame", name));
      g_ptr_array_add (inputs, name);
    }

  if (is_sink (node))
    {
      gboolean streaming = input_is_streaming (s, node);

      if (streaming)
        s->uses |= USE_STREAMING;
      result = streaming ? "StreamingQuery" : "Unit";
    }
  else if (is_quality (node))
    result = "(DataFrame, DataFrame)";
  else
    result = "DataFrame";

  flint_emit_span_begin (s->ctx, m.id);
  if (!s->first_member)
    {
      FlintCodeSpan *span = g_ptr_array_index (s->ctx->spans, s->ctx->spans->len - 1);

      /* The span starts at the def, after the blank line that separates it. */
      flint_writer_blank (s->w);
      span->first_line++;
    }
  s->first_member = FALSE;
  emit_call (s, fmt (s, "def %s", step->function), params, fmt (s, ": %s = {", result));
  flint_writer_indent (s->w);
  ok = emit_body (s, &m, error);
  flint_writer_dedent (s->w);
  flint_writer_line (s->w, "}");
  flint_emit_span_end (s->ctx);

  return ok;
}

/* }}} */

/* build() and main() {{{ */

/* A name for build() not used anywhere else in the object. */
static const char *
fresh_name (Scala      *s,
            const char *base)
{
  if (!g_hash_table_contains (s->names, base))
    {
      g_hash_table_add (s->names, g_strdup (base));
      return base;
    }

  for (guint n = 2;; n++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s%u", base, n);

      if (!g_hash_table_contains (s->names, candidate))
        {
          g_hash_table_add (s->names, g_strdup (candidate));
          return keep (s, g_steal_pointer (&candidate));
        }
    }
}

static void
emit_build (Scala *s)
{
  FlintCodePlan *plan = s->ctx->plan;
  guint n = flint_code_plan_get_n_steps (plan);
  g_autoptr(GHashTable) outputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) results = strings_new ();

  for (guint i = 0; i < n; i++)
    {
      const FlintCodeStep *step = flint_code_plan_get_step (plan, i);

      g_hash_table_add (s->names, g_strdup (step->function));
    }
  g_hash_table_add (s->names, g_strdup ("spark"));

  flint_writer_blank (s->w);
  flint_writer_line (s->w, "def build(spark: SparkSession): Map[String, Any] = {");
  flint_writer_indent (s->w);

  for (guint i = 0; i < n; i++)
    {
      const FlintCodeStep *step = flint_code_plan_get_step (plan, i);
      FlintNode *node = step->node;
      const char *id = flint_node_get_id (node);
      g_autoptr(GPtrArray) args = strings_new ();

      if (node_needs_spark (node))
        strings_add (args, "spark");

      for (guint e = 0; e < step->inputs->len; e++)
        {
          FlintEdge *edge = g_ptr_array_index (step->inputs, e);
          g_autofree char *key = g_strdup_printf ("%s.%s", flint_edge_get_from_node (edge), flint_edge_get_from_port (edge));
          const char *variable = g_hash_table_lookup (outputs, key);

          if (variable == NULL)
            {
              /* An output of a node with several: out is the first of the pair. */
              const FlintCodeStep *from = flint_code_plan_get_source (plan, edge);
              g_autofree char *out_key = g_strdup_printf ("%s.out", flint_edge_get_from_node (edge));

              variable = from ? g_hash_table_lookup (outputs, out_key) : NULL;
            }
          strings_add (args, variable ? variable : "spark.emptyDataFrame");
        }

      if (is_sink (node))
        {
          const char *variable = fresh_name (s, fmt (s, "%sResult", step->function));

          emit_call (s, fmt (s, "val %s = %s", variable, step->function), args, "");
          g_ptr_array_add (results, g_strdup_printf ("%s -> %s", lit (s, id), variable));
        }
      else if (is_quality (node))
        {
          const char *out = fresh_name (s, step->variable);
          const char *quarantine = fresh_name (s, fmt (s, "%sQuarantineDf", step->function));

          emit_call (s, fmt (s, "val (%s, %s) = %s", out, quarantine, step->function), args, "");
          g_hash_table_insert (outputs, g_strdup_printf ("%s.out", id), (gpointer) out);
          g_hash_table_insert (outputs, g_strdup_printf ("%s.quarantine", id), (gpointer) quarantine);
        }
      else
        {
          const char *variable = fresh_name (s, step->variable);
          const FlintNodeKind *kind = flint_node_get_kind (node);
          const char *port = kind->outputs->len ? ((FlintPortSpec *) g_ptr_array_index (kind->outputs, 0))->name : "out";

          emit_call (s, fmt (s, "val %s = %s", variable, step->function), args, "");
          g_hash_table_insert (outputs, g_strdup_printf ("%s.%s", id, port), (gpointer) variable);
        }
    }

  if (results->len == 0)
    flint_writer_line (s->w, "Map.empty");
  else
    emit_call (s, "Map", results, "");

  flint_writer_dedent (s->w);
  flint_writer_line (s->w, "}");
}

static void
config_setting (Scala      *s,
                Chain      *chain,
                const char *key,
                const char *path)
{
  JsonNode *value = flint_pipeline_get_job_setting (s->ctx->pipeline, path);
  g_autofree char *text = value ? scalar_text (value) : NULL;

  if (text != NULL)
    chain_call (chain, "config", lit (s, key), lit (s, text), NULL);
}

static gboolean
uses_kind (Scala      *s,
           const char *prefix)
{
  for (guint i = 0; i < flint_code_plan_get_n_steps (s->ctx->plan); i++)
    {
      const char *kind = flint_node_get_kind_id (flint_code_plan_get_step (s->ctx->plan, i)->node);
      if (g_str_has_suffix (kind, prefix))
        return TRUE;
    }

  return FALSE;
}

static void
emit_main (Scala *s)
{
  FlintPipeline *pipeline = s->ctx->pipeline;
  JsonNode *conf = flint_pipeline_get_job_setting (pipeline, "conf");
  JsonNode *optimizations = flint_pipeline_get_job_setting (pipeline, "optimizations");
  JsonNode *dynamic = flint_pipeline_get_job_setting (pipeline, "dynamic_allocation.enabled");
  JsonNode *catalog = flint_pipeline_get_job_setting (pipeline, "catalog.name");
  JsonNode *schema = flint_pipeline_get_job_setting (pipeline, "catalog.schema");
  JsonNode *version_node = flint_pipeline_get_job_setting (pipeline, "spark_version");
  const char *name = flint_pipeline_get_name (pipeline);
  g_autoptr(Chain) chain = chain_new ("SparkSession");
  g_autoptr(GPtrArray) packages = strings_new ();

  chain_call (chain, "builder", NULL);
  chain_call (chain, "appName", lit (s, name && *name ? name : "pipeline"), NULL);

  /* The same settings as the PySpark program, for a spark-submit without options. */
  config_setting (s, chain, "spark.driver.cores", "driver.cores");
  config_setting (s, chain, "spark.driver.memory", "driver.memory");
  config_setting (s, chain, "spark.executor.instances", "executor.instances");
  config_setting (s, chain, "spark.executor.cores", "executor.cores");
  config_setting (s, chain, "spark.executor.memory", "executor.memory");
  if (dynamic != NULL && JSON_NODE_HOLDS_VALUE (dynamic) && json_node_get_value_type (dynamic) == G_TYPE_BOOLEAN &&
      json_node_get_boolean (dynamic))
    {
      chain_call (chain, "config", "\"spark.dynamicAllocation.enabled\"", "\"true\"", NULL);
      chain_call (chain, "config", "\"spark.dynamicAllocation.shuffleTracking.enabled\"", "\"true\"", NULL);
      config_setting (s, chain, "spark.dynamicAllocation.minExecutors", "dynamic_allocation.min");
      config_setting (s, chain, "spark.dynamicAllocation.maxExecutors", "dynamic_allocation.max");
    }
  if (optimizations != NULL && JSON_NODE_HOLDS_VALUE (optimizations) &&
      json_node_get_value_type (optimizations) == G_TYPE_STRING &&
      g_strcmp0 (json_node_get_string (optimizations), "auto") == 0)
    {
      chain_call (chain, "config", "\"spark.sql.adaptive.enabled\"", "\"true\"", NULL);
      chain_call (chain, "config", "\"spark.sql.adaptive.coalescePartitions.enabled\"", "\"true\"", NULL);
    }

  /* Connectors the job reads or writes with, in the order of their names. */
  {
    const char *version = version_node && JSON_NODE_HOLDS_VALUE (version_node) &&
                          json_node_get_value_type (version_node) == G_TYPE_STRING
                          ? json_node_get_string (version_node) : "4.0.1";
    gboolean spark3 = g_str_has_prefix (version, "3.");
    const char *scala = spark3 ? "2.12" : "2.13";
    gboolean delta = uses_kind (s, ".delta");

    if (delta)
      g_ptr_array_add (packages, g_strdup_printf ("io.delta:delta-spark_%s:%s", scala,
                                                  spark3 ? (g_str_has_prefix (version, "3.5") ? "3.2.1" : "2.4.0") : "4.0.0"));
    if (uses_kind (s, ".kafka"))
      g_ptr_array_add (packages, g_strdup_printf ("org.apache.spark:spark-sql-kafka-0-10_%s:%s", scala, version));
    if (uses_kind (s, ".avro"))
      g_ptr_array_add (packages, g_strdup_printf ("org.apache.spark:spark-avro_%s:%s", scala, version));
    g_ptr_array_sort (packages, (GCompareFunc) compare_strings);
    if (packages->len > 0)
      {
        g_autofree char *joined = join (packages, ",");
        chain_call (chain, "config", "\"spark.jars.packages\"", lit (s, joined), NULL);
      }
    if (delta)
      {
        chain_call (chain, "config", "\"spark.sql.extensions\"", "\"io.delta.sql.DeltaSparkSessionExtension\"", NULL);
        chain_call (chain, "config", "\"spark.sql.catalog.spark_catalog\"",
                    "\"org.apache.spark.sql.delta.catalog.DeltaCatalog\"", NULL);
      }
  }

  if (conf != NULL && JSON_NODE_HOLDS_OBJECT (conf))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (conf));

      for (const GList *l = members; l; l = l->next)
        {
          g_autofree char *text = scalar_text (json_object_get_member (json_node_get_object (conf), l->data));

          if (text != NULL)
            chain_call (chain, "config", lit (s, l->data), lit (s, text), NULL);
        }
    }
  chain_call (chain, "getOrCreate", NULL);

  flint_writer_blank (s->w);
  flint_writer_line (s->w, "def main(args: Array[String]): Unit = {");
  flint_writer_indent (s->w);
  emit_chain (s, "val spark = ", chain, "");

  if (catalog != NULL && JSON_NODE_HOLDS_VALUE (catalog) && json_node_get_value_type (catalog) == G_TYPE_STRING)
    {
      const char *c = lit (s, json_node_get_string (catalog));

      /* Unity Catalog defaults for table names; a Spark without that catalog keeps its own. */
      flint_writer_linef (s->w, "if (spark.catalog.listCatalogs().collect().exists(_.name == %s)) {", c);
      flint_writer_indent (s->w);
      flint_writer_linef (s->w, "spark.catalog.setCurrentCatalog(%s)", c);
      if (schema != NULL && JSON_NODE_HOLDS_VALUE (schema) && json_node_get_value_type (schema) == G_TYPE_STRING)
        flint_writer_linef (s->w, "spark.catalog.setCurrentDatabase(%s)", lit (s, json_node_get_string (schema)));
      flint_writer_dedent (s->w);
      flint_writer_line (s->w, "}");
    }

  flint_writer_line (s->w, "try {");
  flint_writer_indent (s->w);
  if (s->uses & USE_STREAMING)
    {
      /* Streams run until they stop (available-now and once triggers) or fail. */
      flint_writer_line (s->w, "build(spark).values.foreach {");
      flint_writer_indent (s->w);
      flint_writer_line (s->w, "case query: StreamingQuery => query.awaitTermination()");
      flint_writer_line (s->w, "case _ => ()");
      flint_writer_dedent (s->w);
      flint_writer_line (s->w, "}");
    }
  else
    flint_writer_line (s->w, "build(spark)");
  flint_writer_dedent (s->w);
  flint_writer_line (s->w, "} finally {");
  flint_writer_indent (s->w);
  flint_writer_line (s->w, "spark.stop()");
  flint_writer_dedent (s->w);
  flint_writer_line (s->w, "}");
  flint_writer_dedent (s->w);
  flint_writer_line (s->w, "}");
}

static void
emit_imports (Scala *s)
{
  g_autoptr(GPtrArray) sql = strings_new ();

  strings_add (sql, "DataFrame");
  if (s->uses & USE_ROW)
    strings_add (sql, "Row");
  strings_add (sql, "SparkSession");
  if (s->uses & USE_FUNCTIONS)
    strings_add (sql, "functions => F");

  {
    g_autofree char *joined = join (sql, ", ");
    flint_writer_linef (s->w, "import org.apache.spark.sql.{%s}", joined);
  }
  if (s->uses & USE_WINDOW)
    flint_writer_line (s->w, "import org.apache.spark.sql.expressions.Window");
  if ((s->uses & USE_STREAMING) && (s->uses & USE_TRIGGER))
    flint_writer_line (s->w, "import org.apache.spark.sql.streaming.{StreamingQuery, Trigger}");
  else if (s->uses & USE_STREAMING)
    flint_writer_line (s->w, "import org.apache.spark.sql.streaming.StreamingQuery");
  else if (s->uses & USE_TRIGGER)
    flint_writer_line (s->w, "import org.apache.spark.sql.streaming.Trigger");
  if (s->uses & USE_STRUCT_TYPE)
    flint_writer_line (s->w, "import org.apache.spark.sql.types.StructType");
  if (s->uses & USE_STORAGE_LEVEL)
    flint_writer_line (s->w, "import org.apache.spark.storage.StorageLevel");
}

static char *
object_name (FlintPipeline *pipeline)
{
  const char *name = flint_pipeline_get_name (pipeline);
  char *base = flint_writer_scala_identifier (name && *name ? name : "pipeline", "pipeline");

  /* The same name as the file (CustomerJoin.scala). */
  base[0] = g_ascii_toupper (base[0]);
  return base;
}

/* Text for a // comment that can never end early or hide characters: controls, line
 * and paragraph separators and format characters become spaces, and backslashes are
 * doubled so that no \u escape is read as one. */
static char *
comment_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isprint (c) || c == 0x2028 || c == 0x2029 || c == 0x85)
        g_string_append_c (out, ' ');
      else if (c == '\\')
        g_string_append (out, "\\\\");
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static gboolean
emit_program (Scala   *s,
              GError **error)
{
  FlintCodePlan *plan = s->ctx->plan;
  g_autofree char *object = object_name (s->ctx->pipeline);

  flint_writer_line (s->w, "// Generated by Flint: regenerate it from the pipeline rather than editing it.");
  if (s->ctx->source_name != NULL)
    {
      g_autofree char *name = comment_text (s->ctx->source_name);
      flint_writer_linef (s->w, "// From: %s", name);
    }
  flint_writer_blank (s->w);
  emit_imports (s);
  flint_writer_blank (s->w);
  flint_writer_linef (s->w, "object %s {", object);
  flint_writer_indent (s->w);
  s->first_member = TRUE;

  if (s->uses & USE_DATABRICKS_SECRET)
    {
      flint_writer_line (s->w, "// A Databricks secret through dbutils; elsewhere, the environment variable.");
      flint_writer_line (s->w, "private def databricksSecret(scope: String, key: String, variable: String): String =");
      flint_writer_indent (s->w);
      flint_writer_line (s->w, "try {");
      flint_writer_indent (s->w);
      flint_writer_line (s->w, "val holder = Class.forName(\"com.databricks.dbutils_v1.DBUtilsHolder$\")");
      flint_writer_line (s->w, "val dbutils = holder.getMethod(\"dbutils\").invoke(holder.getField(\"MODULE$\").get(null))");
      flint_writer_line (s->w, "val secrets = dbutils.getClass.getMethod(\"secrets\").invoke(dbutils)");
      flint_writer_line (s->w, "secrets.getClass");
      flint_writer_indent (s->w);
      flint_writer_line (s->w, ".getMethod(\"get\", classOf[String], classOf[String])");
      flint_writer_line (s->w, ".invoke(secrets, scope, key)");
      flint_writer_line (s->w, ".asInstanceOf[String]");
      flint_writer_dedent (s->w);
      flint_writer_dedent (s->w);
      flint_writer_line (s->w, "} catch {");
      flint_writer_indent (s->w);
      flint_writer_line (s->w, "case _: ClassNotFoundException => secret(variable)");
      flint_writer_dedent (s->w);
      flint_writer_line (s->w, "}");
      flint_writer_dedent (s->w);
      s->first_member = FALSE;
    }

  if (s->uses & USE_SECRET)
    {
      flint_writer_line (s->w, "// Secrets are read from the environment when the job runs, never written here.");
      flint_writer_line (s->w, "private def secret(variable: String): String =");
      flint_writer_indent (s->w);
      flint_writer_line (s->w, "sys.env.getOrElse(");
      flint_writer_indent (s->w);
      flint_writer_line (s->w, "variable,");
      flint_writer_line (s->w, "throw new NoSuchElementException(s\"the environment variable $variable is not set\")");
      flint_writer_dedent (s->w);
      flint_writer_line (s->w, ")");
      flint_writer_dedent (s->w);
      s->first_member = FALSE;
    }

  for (guint i = 0; i < flint_code_plan_get_n_steps (plan); i++)
    if (!emit_method (s, flint_code_plan_get_step (plan, i), error))
      return FALSE;

  emit_build (s);
  emit_main (s);

  flint_writer_dedent (s->w);
  flint_writer_line (s->w, "}");

  return TRUE;
}

/* }}} */

static void
span_free (gpointer data)
{
  FlintCodeSpan *span = data;

  g_free (span->node_id);
  g_free (span);
}

gboolean
flint_scala_emit (FlintEmitContext  *ctx,
                  GError           **error)
{
  g_autoptr(FlintWriter) scratch = flint_writer_new (2);
  g_autoptr(GPtrArray) scratch_spans = g_ptr_array_new_with_free_func (span_free);
  g_autoptr(GPtrArray) pool = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  FlintEmitContext first = *ctx;
  Scala s = { 0 };

  /* First pass: learn what the program uses, so that it imports only that. */
  first.writer = scratch;
  first.spans = scratch_spans;
  s.ctx = &first;
  s.w = scratch;
  s.pool = pool;
  s.names = names;
  s.uses = USE_FUNCTIONS * 0;
  if (!emit_program (&s, error))
    return FALSE;

  /* Second pass, for real, with the imports now known. */
  g_hash_table_remove_all (names);
  s.ctx = ctx;
  s.w = ctx->writer;
  return emit_program (&s, error);
}
