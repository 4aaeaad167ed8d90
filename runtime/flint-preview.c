/* flint-preview.c: sample data at any node, on a local Spark kept alive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-preview"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "flint-codegen.h"
#include "flint-local-target.h"
#include "flint-paths.h"
#include "flint-preview.h"
#include "flint-runtime-resources.h"

G_DEFINE_QUARK (flint-preview-error-quark, flint_preview_error)

/* The request {{{ */

static JsonObject *
preview_settings (FlintPipeline *pipeline)
{
  JsonNode *value = flint_pipeline_get_job_setting (pipeline, "preview");

  return value != NULL && JSON_NODE_HOLDS_OBJECT (value) ? json_node_get_object (value) : NULL;
}

static gint64
settings_int (JsonObject *settings,
              const char *name,
              gint64      fallback)
{
  JsonNode *value = settings ? json_object_get_member (settings, name) : NULL;

  if (value && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64)
    return json_node_get_int (value);
  return fallback;
}

static double
settings_double (JsonObject *settings,
                 const char *name)
{
  JsonNode *value = settings ? json_object_get_member (settings, name) : NULL;

  if (value && JSON_NODE_HOLDS_VALUE (value))
    {
      if (json_node_get_value_type (value) == G_TYPE_DOUBLE)
        return json_node_get_double (value);
      if (json_node_get_value_type (value) == G_TYPE_INT64)
        return (double) json_node_get_int (value);
    }
  return 0.0;
}

static char *
node_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  if (node == NULL)
    return g_strdup ("null");
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static const char *
first_output (FlintNode *node)
{
  GPtrArray *outputs = flint_node_get_kind (node)->outputs;

  return outputs->len > 0 ? ((FlintPortSpec *) g_ptr_array_index (outputs, 0))->name : "out";
}

/* As flint-python.c's needs_spark: what takes spark as its first argument. */
static gboolean
takes_spark (FlintNode *node)
{
  const FlintNodeKind *kind = flint_node_get_kind (node);

  return kind->category != FLINT_NODE_CATEGORY_TRANSFORM ||
         g_str_equal (kind->id, "transform.sql") || g_str_equal (kind->id, "transform.code");
}

/* Each node's function in the generated text, by node id. */
static GHashTable *
function_texts (FlintGeneratedCode *code)
{
  GHashTable *texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (flint_generated_code_get_text (code), "\n", -1);
  guint n_lines = g_strv_length (lines);
  GPtrArray *spans = flint_generated_code_get_spans (code);

  for (guint i = 0; i < spans->len; i++)
    {
      const FlintCodeSpan *span = g_ptr_array_index (spans, i);
      GString *text = g_string_new (NULL);

      for (guint l = span->first_line; l <= span->last_line && l <= n_lines; l++)
        {
          g_string_append (text, lines[l - 1]);
          g_string_append_c (text, '\n');
        }
      g_hash_table_insert (texts, g_strdup (span->node_id), g_string_free (text, FALSE));
    }

  return texts;
}

static void
add_closure (FlintCodePlan *plan,
             const char    *node_id,
             GHashTable    *closure)
{
  const FlintCodeStep *step = flint_code_plan_lookup (plan, node_id);

  if (step == NULL || g_hash_table_contains (closure, node_id))
    return;
  g_hash_table_add (closure, (gpointer) flint_node_get_id (step->node));
  for (guint i = 0; i < step->inputs->len; i++)
    add_closure (plan, flint_edge_get_from_node (g_ptr_array_index (step->inputs, i)), closure);
}

static JsonNode *
schema_to_json (FlintSchema *schema)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; schema && i < flint_schema_get_n_columns (schema); i++)
    {
      const FlintColumn *column = flint_schema_get_column (schema, i);
      JsonArray *pair = json_array_new ();
      g_autofree char *type = column->type ? flint_data_type_to_string (column->type) : g_strdup ("string");

      json_array_add_string_element (pair, column->name);
      json_array_add_string_element (pair, type);
      json_array_add_array_element (array, pair);
    }

  return json_node_init_array (json_node_alloc (), array);
}

JsonNode *
flint_preview_build_request (FlintPipeline  *pipeline,
                             const char     *node_id,
                             GFile          *base_dir,
                             guint           rows,
                             guint           limit,
                             GError        **error)
{
  g_autoptr(FlintValidator) validator = NULL;
  g_autoptr(FlintCodePlan) plan = NULL;
  g_autoptr(FlintGeneratedCode) code = NULL;
  g_autoptr(GHashTable) closure = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) texts = NULL;
  g_autoptr(GHashTable) hashes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *conf = NULL;
  g_autofree char *cwd = NULL;
  JsonObject *settings = preview_settings (pipeline);
  JsonNode *samples_node = settings ? json_object_get_member (settings, "samples") : NULL;
  JsonObject *samples = samples_node && JSON_NODE_HOLDS_OBJECT (samples_node) ? json_node_get_object (samples_node) : NULL;
  g_autoptr(JsonNode) sample = NULL;
  g_autofree char *sample_text = NULL;
  FlintNode *node;
  const char *target;
  const char *port;
  guint n;

  g_return_val_if_fail (FLINT_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (node_id != NULL, NULL);

  node = flint_pipeline_lookup_node (pipeline, node_id);
  if (node == NULL)
    {
      g_set_error (error, FLINT_PREVIEW_ERROR, FLINT_PREVIEW_ERROR_NODE,
                   _("There is no node '%s' in the pipeline"), node_id);
      return NULL;
    }

  plan = flint_code_plan_new (pipeline, FLINT_LANGUAGE_PYTHON, error);
  if (plan == NULL)
    return NULL;

  /* A sink previews what flows into it: it never writes. */
  target = node_id;
  port = first_output (node);
  if (flint_node_get_kind (node)->category == FLINT_NODE_CATEGORY_SINK)
    {
      const FlintCodeStep *step = flint_code_plan_lookup (plan, node_id);
      FlintEdge *edge;

      if (step == NULL || step->inputs->len == 0)
        {
          g_set_error (error, FLINT_PREVIEW_ERROR, FLINT_PREVIEW_ERROR_NODE,
                       _("%s has no input to preview yet"), flint_node_get_display_name (node));
          return NULL;
        }
      edge = g_ptr_array_index (step->inputs, 0);
      target = flint_edge_get_from_node (edge);
      port = flint_edge_get_from_port (edge);
      if (port == NULL)
        port = first_output (flint_pipeline_lookup_node (pipeline, target));
    }
  add_closure (plan, target, closure);

  validator = flint_validator_new (pipeline);
  flint_validator_update (validator);
  code = flint_codegen_generate (pipeline, FLINT_LANGUAGE_PYTHON, TRUE, error);
  if (code == NULL)
    return NULL;
  texts = function_texts (code);

  {
    JsonNode *job_conf = flint_pipeline_get_job_setting (pipeline, "conf");
    conf = node_to_string (job_conf);
  }
  sample = json_node_init_object (json_node_alloc (), json_object_new ());
  {
    JsonObject *object = json_node_get_object (sample);
    double fraction = settings_double (settings, "fraction");

    json_object_set_int_member (object, "rows", rows > 0 ? rows : settings_int (settings, "rows", FLINT_PREVIEW_DEFAULT_ROWS));
    if (fraction > 0)
      json_object_set_double_member (object, "fraction", fraction);
    json_object_set_int_member (object, "seed", settings_int (settings, "seed", 42));
  }
  sample_text = node_to_string (sample);

  if (base_dir != NULL)
    cwd = g_file_get_path (base_dir);
  else
    cwd = g_get_current_dir ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, "preview");
  json_builder_set_member_name (builder, "node");
  json_builder_add_string_value (builder, node_id);
  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, target);
  json_builder_set_member_name (builder, "port");
  json_builder_add_string_value (builder, port);
  json_builder_set_member_name (builder, "limit");
  json_builder_add_int_value (builder, limit > 0 ? limit : FLINT_PREVIEW_DEFAULT_LIMIT);
  json_builder_set_member_name (builder, "cwd");
  json_builder_add_string_value (builder, cwd);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, flint_generated_code_get_text (code));
  json_builder_set_member_name (builder, "conf");
  json_builder_add_value (builder, json_node_copy (flint_pipeline_get_job_setting (pipeline, "conf") ?: json_node_init_object (json_node_alloc (), json_object_new ())));
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);

  n = flint_code_plan_get_n_steps (plan);
  for (guint i = 0; i < n; i++)
    {
      const FlintCodeStep *step = flint_code_plan_get_step (plan, i);
      FlintNode *step_node = step->node;
      const char *id = flint_node_get_id (step_node);
      const FlintNodeKind *kind = flint_node_get_kind (step_node);
      g_autoptr(GChecksum) checksum = NULL;
      JsonNode *rows_node = NULL;
      const char *on_failure = NULL;

      if (!g_hash_table_contains (closure, id))
        continue;

      /* What this step's output depends on: its code, its inputs, and for a source what
       * it is read from. Anything else changing leaves its cached output good. */
      checksum = g_checksum_new (G_CHECKSUM_SHA256);
      g_checksum_update (checksum, (const guchar *) id, -1);
      g_checksum_update (checksum, (const guchar *) "\n", 1);
      g_checksum_update (checksum, (const guchar *) kind->id, -1);
      g_checksum_update (checksum, (const guchar *) "\n", 1);
      g_checksum_update (checksum, (const guchar *) (g_hash_table_lookup (texts, id) ?: ""), -1);
      g_checksum_update (checksum, (const guchar *) conf, -1);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "node");
      json_builder_add_string_value (builder, id);
      json_builder_set_member_name (builder, "function");
      json_builder_add_string_value (builder, step->function);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, kind->id);
      json_builder_set_member_name (builder, "category");
      json_builder_add_string_value (builder, flint_node_category_to_string (kind->category));
      json_builder_set_member_name (builder, "spark");
      json_builder_add_boolean_value (builder, takes_spark (step_node));

      json_builder_set_member_name (builder, "inputs");
      json_builder_begin_array (builder);
      for (guint k = 0; k < step->inputs->len; k++)
        {
          FlintEdge *edge = g_ptr_array_index (step->inputs, k);
          const char *from = flint_edge_get_from_node (edge);
          const char *from_port = flint_edge_get_from_port (edge);
          FlintNode *from_node = flint_pipeline_lookup_node (pipeline, from);

          if (from_port == NULL && from_node != NULL)
            from_port = first_output (from_node);
          json_builder_begin_array (builder);
          json_builder_add_string_value (builder, from);
          json_builder_add_string_value (builder, from_port);
          json_builder_end_array (builder);
          g_checksum_update (checksum, (const guchar *) "\n<", 2);
          g_checksum_update (checksum, (const guchar *) (g_hash_table_lookup (hashes, from) ?: ""), -1);
          g_checksum_update (checksum, (const guchar *) from_port, -1);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "outputs");
      json_builder_begin_array (builder);
      for (guint k = 0; k < kind->outputs->len; k++)
        json_builder_add_string_value (builder, ((FlintPortSpec *) g_ptr_array_index (kind->outputs, k))->name);
      json_builder_end_array (builder);

      if (kind->category == FLINT_NODE_CATEGORY_SOURCE)
        {
          FlintFlow *flow = flint_validator_get_output (validator, id, NULL);

          rows_node = samples ? json_object_get_member (samples, id) : NULL;
          if (rows_node != NULL && JSON_NODE_HOLDS_ARRAY (rows_node))
            {
              g_autofree char *rows_text = node_to_string (rows_node);

              json_builder_set_member_name (builder, "rows");
              json_builder_add_value (builder, json_node_copy (rows_node));
              json_builder_set_member_name (builder, "schema");
              json_builder_add_value (builder, schema_to_json (flow ? flint_flow_get_schema (flow) : NULL));
              g_checksum_update (checksum, (const guchar *) "\nrows:", -1);
              g_checksum_update (checksum, (const guchar *) rows_text, -1);
            }
          else
            {
              json_builder_set_member_name (builder, "sample");
              json_builder_add_value (builder, json_node_copy (sample));
              g_checksum_update (checksum, (const guchar *) "\nsample:", -1);
              g_checksum_update (checksum, (const guchar *) sample_text, -1);
            }
          json_builder_set_member_name (builder, "streaming");
          json_builder_add_boolean_value (builder, flow != NULL && flint_flow_is_streaming (flow));
        }

      if (g_str_equal (kind->id, "transform.quality"))
        {
          on_failure = flint_node_get_string (step_node, "on_failure");
          json_builder_set_member_name (builder, "quality");
          json_builder_add_string_value (builder, on_failure ? on_failure : "fail");
        }

      g_hash_table_insert (hashes, (gpointer) id, g_strdup (g_checksum_get_string (checksum)));
      json_builder_set_member_name (builder, "hash");
      json_builder_add_string_value (builder, g_checksum_get_string (checksum));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  /* Spark would only repeat what validation already says, later and less clearly. */
  for (guint i = 0; i < n; i++)
    {
      const FlintCodeStep *step = flint_code_plan_get_step (plan, i);
      const char *id = flint_node_get_id (step->node);
      GPtrArray *diagnostics;

      if (!g_hash_table_contains (closure, id))
        continue;
      diagnostics = flint_validator_get_node_diagnostics (validator, id);
      for (guint d = 0; d < diagnostics->len; d++)
        {
          FlintDiagnostic *diagnostic = g_ptr_array_index (diagnostics, d);

          if (flint_diagnostic_get_severity (diagnostic) != FLINT_SEVERITY_ERROR)
            continue;
          json_builder_set_member_name (builder, "invalid");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "node");
          json_builder_add_string_value (builder, id);
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, flint_diagnostic_get_message (diagnostic));
          json_builder_end_object (builder);
          goto done;
        }
    }

done:
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* }}} */

/* The result {{{ */

struct _FlintPreviewResult
{
  GObject     parent_instance;
  JsonNode   *root;      /* the worker's answer */
  JsonObject *answer;
  char       *node_id;
  GStrv       executed;
  GStrv       reused;
};

G_DEFINE_FINAL_TYPE (FlintPreviewResult, flint_preview_result, G_TYPE_OBJECT)

static void
flint_preview_result_finalize (GObject *object)
{
  FlintPreviewResult *self = FLINT_PREVIEW_RESULT (object);

  g_clear_pointer (&self->root, json_node_unref);
  g_clear_pointer (&self->node_id, g_free);
  g_clear_pointer (&self->executed, g_strfreev);
  g_clear_pointer (&self->reused, g_strfreev);

  G_OBJECT_CLASS (flint_preview_result_parent_class)->finalize (object);
}

static void
flint_preview_result_class_init (FlintPreviewResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flint_preview_result_finalize;
}

static void
flint_preview_result_init (FlintPreviewResult *self)
{
}

static GStrv
string_list (JsonObject *object,
             const char *name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *value = json_object_get_member (object, name);

  if (value != NULL && JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (item));
        }
    }

  return g_strv_builder_end (builder);
}

static FlintPreviewResult *
result_new (const char *node_id,
            JsonNode   *answer)
{
  FlintPreviewResult *self = g_object_new (FLINT_TYPE_PREVIEW_RESULT, NULL);

  self->node_id = g_strdup (node_id);
  self->root = answer;
  self->answer = json_node_get_object (answer);
  self->executed = string_list (self->answer, "executed");
  self->reused = string_list (self->answer, "reused");
  /* --json shows the node asked for, whatever the worker previewed for it. */
  json_object_set_string_member (self->answer, "node", node_id);

  return self;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *value = object ? json_object_get_member (object, name) : NULL;

  if (value && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return json_node_get_string (value);
  return NULL;
}

static gint64
member_int (JsonObject *object,
            const char *name,
            gint64      fallback)
{
  JsonNode *value = object ? json_object_get_member (object, name) : NULL;

  if (value && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64)
    return json_node_get_int (value);
  return fallback;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *value = object ? json_object_get_member (object, name) : NULL;

  return value && JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *value = object ? json_object_get_member (object, name) : NULL;

  return value && JSON_NODE_HOLDS_OBJECT (value) ? json_node_get_object (value) : NULL;
}

const char *
flint_preview_result_get_node_id (FlintPreviewResult *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), NULL);
  return self->node_id;
}

gboolean
flint_preview_result_is_ok (FlintPreviewResult *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), FALSE);
  return json_object_get_boolean_member_with_default (self->answer, "ok", FALSE);
}

const char *
flint_preview_result_get_error_node (FlintPreviewResult *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), NULL);
  if (flint_preview_result_is_ok (self))
    return NULL;
  return member_string (self->answer, "error_node");
}

const char *
flint_preview_result_get_message (FlintPreviewResult *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), NULL);
  return member_string (self->answer, "message");
}

const char *
flint_preview_result_get_detail (FlintPreviewResult *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), NULL);
  return member_string (self->answer, "detail");
}

guint
flint_preview_result_get_n_columns (FlintPreviewResult *self)
{
  JsonArray *columns;

  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), 0);
  columns = member_array (self->answer, "columns");
  return columns ? json_array_get_length (columns) : 0;
}

gboolean
flint_preview_result_get_column (FlintPreviewResult *self,
                                 guint               position,
                                 FlintPreviewColumn *column)
{
  JsonArray *columns;
  JsonObject *object;

  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), FALSE);
  g_return_val_if_fail (column != NULL, FALSE);

  columns = member_array (self->answer, "columns");
  if (columns == NULL || position >= json_array_get_length (columns))
    return FALSE;
  object = json_array_get_object_element (columns, position);
  column->name = member_string (object, "name");
  column->type = member_string (object, "type");
  column->nulls = member_int (object, "nulls", 0);
  column->min = member_string (object, "min");
  column->max = member_string (object, "max");
  column->distinct = member_int (object, "distinct", -1);
  return TRUE;
}

gint64
flint_preview_result_get_count (FlintPreviewResult *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), -1);
  return member_int (self->answer, "count", -1);
}

guint
flint_preview_result_get_n_rows (FlintPreviewResult *self)
{
  JsonArray *rows;

  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), 0);
  rows = member_array (self->answer, "rows");
  return rows ? json_array_get_length (rows) : 0;
}

const char *
flint_preview_result_get_cell (FlintPreviewResult *self,
                               guint               row,
                               guint               column)
{
  JsonArray *rows;
  JsonNode *line;
  JsonArray *cells;
  JsonNode *value;

  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), NULL);

  rows = member_array (self->answer, "rows");
  if (rows == NULL || row >= json_array_get_length (rows))
    return NULL;
  line = json_array_get_element (rows, row);
  if (!JSON_NODE_HOLDS_ARRAY (line))
    return NULL;
  cells = json_node_get_array (line);
  if (column >= json_array_get_length (cells))
    return NULL;
  value = json_array_get_element (cells, column);
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return json_node_get_string (value);
  return NULL;
}

const char * const *
flint_preview_result_get_executed (FlintPreviewResult *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), NULL);
  return (const char * const *) self->executed;
}

const char * const *
flint_preview_result_get_reused (FlintPreviewResult *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), NULL);
  return (const char * const *) self->reused;
}

gint64
flint_preview_result_get_output_count (FlintPreviewResult *self,
                                       const char         *node_id,
                                       const char         *port)
{
  JsonObject *outputs;
  JsonObject *node;

  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), -1);

  outputs = member_object (self->answer, "outputs");
  node = member_object (outputs, node_id);
  if (node == NULL)
    return -1;
  if (port == NULL)
    {
      /* The first output: the worker writes them in the catalog's order. */
      g_autoptr(GList) members = json_object_get_members (node);

      if (members == NULL)
        return -1;
      port = members->data;
    }
  return member_int (node, port, -1);
}

gboolean
flint_preview_result_get_quality (FlintPreviewResult *self,
                                  const char         *node_id,
                                  const char        **mode,
                                  gint64             *passed,
                                  gint64             *failed)
{
  JsonObject *node;

  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), FALSE);

  node = member_object (member_object (self->answer, "quality"), node_id);
  if (mode)
    *mode = member_string (node, "mode");
  if (passed)
    *passed = member_int (node, "passed", -1);
  if (failed)
    *failed = member_int (node, "failed", -1);
  return node != NULL;
}

gint64
flint_preview_result_get_elapsed (FlintPreviewResult *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), 0);
  return member_int (self->answer, "elapsed_ms", 0);
}

JsonNode *
flint_preview_result_to_json (FlintPreviewResult *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_RESULT (self), NULL);
  return json_node_copy (self->root);
}

/* }}} */

/* The session {{{ */

struct _FlintPreviewSession
{
  GObject           parent_instance;
  GSubprocess      *process;
  GOutputStream    *input;
  GDataInputStream *output;
  GCancellable     *reading;     /* the worker's lifetime */
  GHashTable       *pending;     /* request id -> GTask */
  GQueue            starting;    /* GTask waiting for Python to be found */
  gboolean          finding;
  char             *python;
  char             *pythonpath;  /* $SPARK_HOME's python, when Spark came as spark-submit */
  char             *log_path;    /* the worker's standard error (Spark's log) */
  gint64            next_id;
};

G_DEFINE_FINAL_TYPE (FlintPreviewSession, flint_preview_session, G_TYPE_OBJECT)

typedef struct
{
  JsonNode *request;
  char     *node_id;
  gint64    id;
  gulong    cancelled_id;
} RunData;

static void
run_data_free (RunData *data)
{
  g_clear_pointer (&data->request, json_node_unref);
  g_free (data->node_id);
  g_free (data);
}

static void read_next_line (FlintPreviewSession *self);
static void send_request   (FlintPreviewSession *self,
                            GTask               *task);

static void
fail_pending (FlintPreviewSession *self,
              const GError        *error)
{
  g_autoptr(GList) tasks = g_hash_table_get_values (self->pending);

  g_hash_table_steal_all (self->pending);
  for (GList *l = tasks; l; l = l->next)
    {
      GTask *task = l->data;
      RunData *data = g_task_get_task_data (task);

      if (data->cancelled_id != 0)
        g_cancellable_disconnect (g_task_get_cancellable (task), data->cancelled_id);
      data->cancelled_id = 0;
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
}

static void
worker_reaped (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_object_unref (object);
}

static void
worker_close (FlintPreviewSession *self)
{
  if (self->reading)
    g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  if (self->input)
    g_output_stream_close (self->input, NULL, NULL);
  g_clear_object (&self->input);
  g_clear_object (&self->output);
  if (self->process)
    g_subprocess_force_exit (self->process);
  g_clear_object (&self->process);
}

static void
worker_died (FlintPreviewSession *self,
             const char          *why)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  const char *last = NULL;

  /* Its last words are usually the reason (a Python without pyspark, a JVM missing). */
  if (self->log_path && g_file_get_contents (self->log_path, &log, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (g_strstrip (log), "\n", -1);
      guint n = g_strv_length (lines);

      if (n > 0)
        last = g_intern_string (lines[n - 1]);
    }
  error = g_error_new (FLINT_PREVIEW_ERROR, FLINT_PREVIEW_ERROR_WORKER,
                       last ? _("The preview worker stopped: %s (%s; its log: %s)")
                            : _("The preview worker stopped: %s"),
                       why, last, self->log_path);

  worker_close (self);
  fail_pending (self, error);
}

static void
line_read (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FlintPreviewSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  JsonObject *answer;
  GTask *task;
  gsize length;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, &length, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || G_DATA_INPUT_STREAM (object) != self->output)
    return;
  if (line == NULL)
    {
      worker_died (self, error ? error->message : _("it exited (see its messages on standard error)"));
      return;
    }

  if (!json_parser_load_from_data (parser, line, length, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_debug ("worker: %s", line);
      read_next_line (self);
      return;
    }
  answer = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (answer, "id") || json_object_get_member (answer, "id") == NULL ||
      !JSON_NODE_HOLDS_VALUE (json_object_get_member (answer, "id")))
    {
      read_next_line (self);   /* an event: ready, or a complaint */
      return;
    }

  task = g_hash_table_lookup (self->pending, GINT_TO_POINTER ((gint) json_object_get_int_member (answer, "id")));
  if (task != NULL)
    {
      RunData *data = g_task_get_task_data (task);

      g_hash_table_steal (self->pending, GINT_TO_POINTER ((gint) data->id));
      if (data->cancelled_id != 0)
        g_cancellable_disconnect (g_task_get_cancellable (task), data->cancelled_id);
      data->cancelled_id = 0;
      if (json_object_get_boolean_member_with_default (answer, "cancelled", FALSE))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The preview was cancelled"));
      else
        {
          const char *failed = member_string (answer, "node");

          /* The worker names the node it was running: on failure that is the culprit. */
          if (!json_object_get_boolean_member_with_default (answer, "ok", FALSE) && failed != NULL)
            json_object_set_string_member (answer, "error_node", failed);
          g_task_return_pointer (task, result_new (data->node_id, json_parser_steal_root (parser)), g_object_unref);
        }
      g_object_unref (task);
    }

  read_next_line (self);
}

static void
read_next_line (FlintPreviewSession *self)
{
  g_data_input_stream_read_line_async (self->output, G_PRIORITY_DEFAULT, self->reading,
                                       line_read, g_object_ref (self));
}

static void
worker_exited (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FlintPreviewSession) self = user_data;

  if (G_SUBPROCESS (object) == self->process)
    worker_died (self, _("it exited (see its messages on standard error)"));
}

static gboolean
worker_start (FlintPreviewSession  *self,
              GError              **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GBytes) script = NULL;
  g_autofree char *text = NULL;

  script = g_resource_lookup_data (flint_runtime_get_resource (),
                                   "/io/github/flintspark/Flint/runtime/flint-preview-worker.py",
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (script == NULL)
    return FALSE;
  text = g_strndup (g_bytes_get_data (script, NULL), g_bytes_get_size (script));

  g_subprocess_launcher_setenv (launcher, "PYTHONUNBUFFERED", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "PYSPARK_PYTHON", self->python, TRUE);
  if (self->pythonpath)
    g_subprocess_launcher_setenv (launcher, "PYTHONPATH", self->pythonpath, TRUE);
  {
    g_autofree char *dir = flint_paths_ensure_dir (FLINT_PATH_STATE, NULL, NULL);

    g_clear_pointer (&self->log_path, g_free);
    if (dir != NULL)
      {
        self->log_path = g_build_filename (dir, "preview-worker.log", NULL);
        g_subprocess_launcher_set_stderr_file_path (launcher, self->log_path);
      }
  }
  self->process = g_subprocess_launcher_spawn (launcher, error, self->python, "-c", text, NULL);
  if (self->process == NULL)
    return FALSE;

  self->reading = g_cancellable_new ();
  self->input = g_object_ref (g_subprocess_get_stdin_pipe (self->process));
  self->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  g_data_input_stream_set_newline_type (self->output, G_DATA_STREAM_NEWLINE_TYPE_LF);
  g_subprocess_wait_async (self->process, self->reading, worker_exited, g_object_ref (self));
  read_next_line (self);

  return TRUE;
}

/* Blocking: in a thread. Python with pyspark, as the local target finds Spark. */
static void
find_python_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  gboolean is_python = FALSE;

  found = flint_local_target_find_spark (&is_python, &error);
  if (found == NULL)
    {
      g_task_return_new_error (task, FLINT_PREVIEW_ERROR, FLINT_PREVIEW_ERROR_NO_SPARK, "%s", error->message);
      return;
    }
  if (is_python)
    g_task_return_pointer (task, g_strdup (found), g_free);
  else
    {
      /* spark-submit: its Spark's python/ and py4j under a plain python3. */
      g_autofree char *bin = g_path_get_dirname (found);
      g_autofree char *home = g_path_get_dirname (bin);
      g_autofree char *lib = g_build_filename (home, "python", "lib", NULL);
      g_autoptr(GDir) dir = g_dir_open (lib, 0, NULL);
      g_autofree char *python = g_find_program_in_path ("python3");
      GString *path = g_string_new (NULL);
      const char *name;

      g_string_append_printf (path, "%s/python", home);
      while (dir && (name = g_dir_read_name (dir)))
        if (g_str_has_prefix (name, "py4j") && g_str_has_suffix (name, ".zip"))
          g_string_append_printf (path, ":%s/%s", lib, name);
      if (python == NULL)
        {
          g_string_free (path, TRUE);
          g_task_return_new_error (task, FLINT_PREVIEW_ERROR, FLINT_PREVIEW_ERROR_NO_SPARK,
                                   _("Spark was found (%s) but no python3 to run the preview with"), found);
          return;
        }
      g_task_set_task_data (task, g_string_free (path, FALSE), g_free);
      g_task_return_pointer (task, g_steal_pointer (&python), g_free);
    }
}

static void
python_found (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FlintPreviewSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *python = g_task_propagate_pointer (G_TASK (result), &error);
  GTask *task;

  self->finding = FALSE;
  if (python != NULL)
    {
      g_free (self->python);
      self->python = g_steal_pointer (&python);
      g_free (self->pythonpath);
      self->pythonpath = g_strdup (g_task_get_task_data (G_TASK (result)));
    }

  while ((task = g_queue_pop_head (&self->starting)))
    {
      if (self->python == NULL)
        g_task_return_error (task, g_error_copy (error));
      else if (!g_task_return_error_if_cancelled (task))
        send_request (self, task);
      g_object_unref (task);
    }
}

static gboolean
write_line (FlintPreviewSession  *self,
            JsonNode             *message,
            GError              **error)
{
  g_autofree char *text = node_to_string (message);
  g_autofree char *line = g_strconcat (text, "\n", NULL);

  /* A pipe write of a request: the worker reads continuously, so this does not stall. */
  return g_output_stream_write_all (self->input, line, strlen (line), NULL, NULL, error) &&
         g_output_stream_flush (self->input, NULL, error);
}

typedef struct
{
  FlintPreviewSession *self;
  gint64               id;
} CancelData;

static gboolean
cancel_idle (gpointer user_data)
{
  CancelData *cancel = user_data;
  FlintPreviewSession *self = cancel->self;
  GTask *task = g_hash_table_lookup (self->pending, GINT_TO_POINTER ((gint) cancel->id));

  if (task != NULL)
    {
      RunData *data = g_task_get_task_data (task);
      g_autoptr(JsonNode) message = json_node_init_object (json_node_alloc (), json_object_new ());

      json_object_set_string_member (json_node_get_object (message), "op", "cancel");
      json_object_set_int_member (json_node_get_object (message), "id", cancel->id);
      if (self->input)
        write_line (self, message, NULL);
      /* The caller hears of it now; the worker's late answer finds no task. */
      g_hash_table_steal (self->pending, GINT_TO_POINTER ((gint) cancel->id));
      data->cancelled_id = 0;
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The preview was cancelled"));
      g_object_unref (task);
    }
  return G_SOURCE_REMOVE;
}

static void
cancel_data_free (gpointer user_data)
{
  CancelData *cancel = user_data;

  g_object_unref (cancel->self);
  g_free (cancel);
}

static void
request_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;
  RunData *data = g_task_get_task_data (task);
  CancelData *cancel = g_new0 (CancelData, 1);

  /* Not inside the cancellable's handler: it holds the cancellable's lock. */
  cancel->self = g_object_ref (g_task_get_source_object (task));
  cancel->id = data->id;
  g_idle_add_full (G_PRIORITY_DEFAULT, cancel_idle, cancel, cancel_data_free);
}

static void
send_request (FlintPreviewSession *self,
              GTask               *task)
{
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (self->process == NULL && !worker_start (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->id = ++self->next_id;
  json_object_set_int_member (json_node_get_object (data->request), "id", data->id);
  if (!write_line (self, data->request, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      worker_died (self, _("it does not read its input"));
      return;
    }
  g_hash_table_insert (self->pending, GINT_TO_POINTER ((gint) data->id), g_object_ref (task));
  if (g_task_get_cancellable (task))
    data->cancelled_id = g_cancellable_connect (g_task_get_cancellable (task), G_CALLBACK (request_cancelled), task, NULL);
}

static void
flint_preview_session_dispose (GObject *object)
{
  FlintPreviewSession *self = FLINT_PREVIEW_SESSION (object);

  flint_preview_session_stop (self);

  G_OBJECT_CLASS (flint_preview_session_parent_class)->dispose (object);
}

static void
flint_preview_session_finalize (GObject *object)
{
  FlintPreviewSession *self = FLINT_PREVIEW_SESSION (object);

  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_free (self->python);
  g_free (self->pythonpath);
  g_free (self->log_path);

  G_OBJECT_CLASS (flint_preview_session_parent_class)->finalize (object);
}

static void
flint_preview_session_class_init (FlintPreviewSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flint_preview_session_dispose;
  object_class->finalize = flint_preview_session_finalize;
}

static void
flint_preview_session_init (FlintPreviewSession *self)
{
  self->pending = g_hash_table_new (NULL, NULL);
  g_queue_init (&self->starting);
}

FlintPreviewSession *
flint_preview_session_new (void)
{
  return g_object_new (FLINT_TYPE_PREVIEW_SESSION, NULL);
}

void
flint_preview_session_run_async (FlintPreviewSession *self,
                                 FlintPipeline       *pipeline,
                                 const char          *node_id,
                                 GFile               *base_dir,
                                 guint                rows,
                                 guint                limit,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  RunData *data;
  JsonNode *request;
  JsonObject *invalid;

  g_return_if_fail (FLINT_IS_PREVIEW_SESSION (self));
  g_return_if_fail (FLINT_IS_PIPELINE (pipeline));
  g_return_if_fail (node_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flint_preview_session_run_async);

  /* Generating the code is quick (milliseconds); Spark's part is in the worker. */
  request = flint_preview_build_request (pipeline, node_id, base_dir, rows, limit, &error);
  if (request == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  invalid = member_object (json_node_get_object (request), "invalid");
  if (invalid != NULL)
    {
      JsonObject *answer = json_object_new ();

      json_object_set_boolean_member (answer, "ok", FALSE);
      json_object_set_string_member (answer, "error_node", member_string (invalid, "node"));
      json_object_set_string_member (answer, "message", member_string (invalid, "message"));
      json_object_set_array_member (answer, "executed", json_array_new ());
      json_object_set_array_member (answer, "reused", json_array_new ());
      g_task_return_pointer (task, result_new (node_id, json_node_init_object (json_node_alloc (), answer)), g_object_unref);
      json_node_unref (request);
      json_object_unref (answer);
      return;
    }

  data = g_new0 (RunData, 1);
  data->request = request;
  data->node_id = g_strdup (node_id);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  if (self->python == NULL)
    {
      g_queue_push_tail (&self->starting, g_object_ref (task));
      if (!self->finding)
        {
          g_autoptr(GTask) find = g_task_new (NULL, NULL, python_found, g_object_ref (self));

          self->finding = TRUE;
          g_task_run_in_thread (find, find_python_thread);
        }
      return;
    }

  send_request (self, task);
}

FlintPreviewResult *
flint_preview_session_run_finish (FlintPreviewSession  *self,
                                  GAsyncResult         *result,
                                  GError              **error)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
flint_preview_session_is_running (FlintPreviewSession *self)
{
  g_return_val_if_fail (FLINT_IS_PREVIEW_SESSION (self), FALSE);
  return self->process != NULL;
}

void
flint_preview_session_stop (FlintPreviewSession *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FLINT_IS_PREVIEW_SESSION (self));

  if (self->input != NULL)
    {
      g_autoptr(JsonNode) quit = json_node_init_object (json_node_alloc (), json_object_new ());

      json_object_set_string_member (json_node_get_object (quit), "op", "quit");
      write_line (self, quit, NULL);
    }
  /* The worker stops Spark and exits on quit (or on the end of its input); its JVM ends
   * with it. Killing it here would leave Spark no chance to clean up. */
  if (self->process != NULL)
    {
      GSubprocess *process = g_steal_pointer (&self->process);

      worker_close (self);
      g_subprocess_wait_async (process, NULL, worker_reaped, NULL);
    }
  error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The preview session was stopped"));
  fail_pending (self, error);
}

/* }}} */
