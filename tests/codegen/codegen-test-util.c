/* codegen-test-util.c: what the PySpark and Scala tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "codegen-test-util.h"

const char *const codegen_test_hostile[] = {
  "q\"uo'te \\ back\\\\slash \\n \\u0041 \\x41",
  "line\nbreak\r\nand\ttab",
  "\"\"\"triple\"\"\" '''single''' \"",
  "${HOME} #{x} %s %(x)s {0} {{braces}} f\"{x}\"",
  "*/ /* -- ; DROP TABLE x; `tick` ``double``",
  "ünïcødé 日本語 🚀 \u202Ebidi\u202C \u2028sep\u2029 \u200Bzw",
  "\x01\x02\x07\x08\x0b\x0c\x1b[31m\x1f\x7f\xc2\x80\xc2\x9f end",
  "\\",
  "\")\nimport os; os.system('x')  # ",
};

const guint codegen_test_n_hostile = G_N_ELEMENTS (codegen_test_hostile);

char *
codegen_test_source_path (const char *relative)
{
  const char *root = g_getenv ("FLINT_SOURCE_ROOT");

  if (root != NULL)
    return g_build_filename (root, relative, NULL);
  return g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", relative, NULL);
}

FlintPipeline *
codegen_test_load (const char *relative)
{
  g_autofree char *path = codegen_test_source_path (relative);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FlintPipeline *pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);

  g_assert_no_error (error);
  return pipeline;
}

char *
codegen_test_generate (FlintPipeline *pipeline,
                       FlintLanguage  language,
                       gboolean       allow_invalid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintGeneratedCode) code = flint_codegen_generate (pipeline, language, allow_invalid, &error);

  g_assert_no_error (error);
  return g_strdup (flint_generated_code_get_text (code));
}

/* Fails with a unified diff when @text differs from tests/codegen/golden/@golden_name;
 * FLINT_UPDATE_GOLDEN=1 rewrites the golden file first. */
void
codegen_test_compare_golden (const char *text,
                             const char *golden_name)
{
  g_autofree char *relative = g_strdup_printf ("tests/codegen/golden/%s", golden_name);
  g_autofree char *golden = codegen_test_source_path (relative);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (g_getenv ("FLINT_UPDATE_GOLDEN"), "1") == 0)
    {
      g_file_set_contents (golden, text, -1, &error);
      g_assert_no_error (error);
      g_test_message ("updated %s", golden);
    }

  g_file_get_contents (golden, &expected, NULL, &error);
  g_assert_no_error (error);
  if (!g_str_equal (expected, text))
    {
      g_autofree char *actual = g_build_filename (g_get_tmp_dir (), golden_name, NULL);
      const char *argv[] = { "diff", "-u", golden, actual, NULL };
      g_autoptr(GSubprocess) diff = NULL;
      g_autofree char *out = NULL;

      g_file_set_contents (actual, text, -1, &error);
      g_assert_no_error (error);
      diff = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (diff, NULL, NULL, &out, NULL, NULL);
      g_printerr ("%s\n(FLINT_UPDATE_GOLDEN=1 rewrites the golden file)\n", out);
      g_error ("%s differs from what is generated now", golden);
    }
}

/* Removes every node and edge and adds them again, nodes in the opposite order: the
 * generated text must not change. */
void
codegen_test_assert_deterministic (const char   *relative,
                                   FlintLanguage language)
{
  g_autoptr(FlintPipeline) pipeline = codegen_test_load (relative);
  g_autofree char *before = codegen_test_generate (pipeline, language, FALSE);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) edges = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  model = flint_pipeline_get_edges (pipeline);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (edges, g_list_model_get_item (model, i));
  model = flint_pipeline_get_nodes (pipeline);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (nodes, g_list_model_get_item (model, i));

  for (guint i = 0; i < edges->len; i++)
    {
      flint_pipeline_disconnect (pipeline, g_ptr_array_index (edges, i), &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < nodes->len; i++)
    {
      flint_pipeline_remove_node (pipeline, g_ptr_array_index (nodes, i), &error);
      g_assert_no_error (error);
    }

  /* Edges as before: their order is a union's order. */
  for (guint i = nodes->len; i > 0; i--)
    {
      flint_pipeline_add_node (pipeline, g_ptr_array_index (nodes, i - 1), &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < edges->len; i++)
    {
      flint_pipeline_add_edge (pipeline, g_ptr_array_index (edges, i), i, &error);
      g_assert_no_error (error);
    }

  after = codegen_test_generate (pipeline, language, FALSE);
  g_assert_cmpstr (before, ==, after);
}

JsonNode *
codegen_test_string (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return node;
}

static JsonNode *
string_list (const char *text)
{
  JsonArray *array = json_array_new ();
  JsonNode *value = json_node_new (JSON_NODE_ARRAY);

  json_array_add_element (array, codegen_test_string (text));
  json_node_take_array (value, array);
  return value;
}

static gboolean
is_texty (FlintParamType type)
{
  switch (type)
    {
    case FLINT_PARAM_STRING:
    case FLINT_PARAM_TEXT:
    case FLINT_PARAM_EXPRESSION:
    case FLINT_PARAM_CONDITION:
    case FLINT_PARAM_COLUMN:
    case FLINT_PARAM_PATH:
    case FLINT_PARAM_TABLE:
    case FLINT_PARAM_TYPE:
    case FLINT_PARAM_INTERVAL:
    case FLINT_PARAM_SQL:
      return TRUE;
    case FLINT_PARAM_INTEGER:
    case FLINT_PARAM_NUMBER:
    case FLINT_PARAM_BOOLEAN:
    case FLINT_PARAM_ENUM:
    case FLINT_PARAM_COLUMNS:
    case FLINT_PARAM_CODE:
    case FLINT_PARAM_MAP:
    case FLINT_PARAM_LIST:
    case FLINT_PARAM_SECRET:
    default:
      return FALSE;
    }
}

/* Sets @text into every string parameter of @node (list records and maps too). */
void
codegen_test_fill_hostile (FlintNode  *node,
                           const char *text)
{
  const FlintNodeKind *kind = flint_node_get_kind (node);

  flint_node_set_label (node, text);
  for (guint i = 0; i < kind->params->len; i++)
    {
      const FlintParamSpec *spec = g_ptr_array_index (kind->params, i);

      if (is_texty (spec->type))
        flint_node_take_param (node, spec->name, codegen_test_string (text));
      else if (spec->type == FLINT_PARAM_COLUMNS || (spec->type == FLINT_PARAM_LIST && spec->fields == NULL))
        flint_node_take_param (node, spec->name, string_list (text));
      else if (spec->type == FLINT_PARAM_MAP)
        {
          JsonObject *object = json_object_new ();
          JsonNode *value = json_node_new (JSON_NODE_OBJECT);

          json_object_set_member (object, text, codegen_test_string (text));
          json_node_take_object (value, object);
          flint_node_take_param (node, spec->name, value);
        }
      else if (spec->type == FLINT_PARAM_LIST)
        {
          JsonArray *array = json_array_new ();
          JsonObject *record = json_object_new ();
          JsonNode *value = json_node_new (JSON_NODE_ARRAY);
          JsonNode *item = json_node_new (JSON_NODE_OBJECT);

          for (guint f = 0; f < spec->fields->len; f++)
            {
              const FlintParamSpec *field = g_ptr_array_index (spec->fields, f);

              if (is_texty (field->type))
                json_object_set_member (record, field->name, codegen_test_string (text));
              else if (field->type == FLINT_PARAM_ENUM && field->choices != NULL)
                json_object_set_member (record, field->name, codegen_test_string (field->choices[0]));
              else if (field->type == FLINT_PARAM_LIST)
                json_object_set_member (record, field->name, string_list (text));
            }
          json_node_take_object (item, record);
          json_array_add_element (array, item);
          json_node_take_array (value, array);
          flint_node_take_param (node, spec->name, value);
        }
    }
}
